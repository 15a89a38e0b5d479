package console

// routesDNA registers the DNA screens.
func (c *Console) routesDNA() {
}
