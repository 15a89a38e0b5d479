package console

// routesMessages registers the Messages screens.
func (c *Console) routesMessages() {
}
