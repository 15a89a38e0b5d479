package console

// routesStats registers the Stats screens.
func (c *Console) routesStats() {
}
