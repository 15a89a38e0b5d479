package console

// routesScreens registers the screens; each lives in its own file with
// its templates (templates/), strings (locales/en/) and assets (static/).
func (c *Console) routesScreens() {
	c.routesHits() // the dashboard, the hits inbox and the case view
	c.routesCheck()
	c.routesRecords()
	c.routesMessages()
	c.routesStats()
	c.routesAudit()
	c.routesAdmin() // agencies, accounts, certificates
	c.routesPersons()
	c.routesDNA()
	c.routesFingerprints()
	c.routesMyAccount()
}
