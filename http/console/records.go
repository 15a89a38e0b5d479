package console

// routesRecords registers the Records screens.
func (c *Console) routesRecords() {
}
