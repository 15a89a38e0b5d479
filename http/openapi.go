package http

import _ "embed"

// openAPI is the API reference served at /v1/openapi.json.
//
//go:embed openapi.json
var openAPI []byte
