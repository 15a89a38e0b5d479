package console

// routesScreens registers the screens, one line per screen's file.
func (c *Console) routesScreens() {
}
