package console

// routesAudit registers the Audit screens.
func (c *Console) routesAudit() {
}
