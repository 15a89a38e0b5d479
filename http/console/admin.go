package console

// routesAdmin registers the Admin screens.
func (c *Console) routesAdmin() {
}
