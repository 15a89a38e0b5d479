package console

// routesFingerprints registers the Fingerprints screens.
func (c *Console) routesFingerprints() {
}
