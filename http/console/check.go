package console

// routesCheck registers the Check screens.
func (c *Console) routesCheck() {
}
