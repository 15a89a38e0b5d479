package console

// routesPersons registers the Persons screens.
func (c *Console) routesPersons() {
}
