//go:build tools

package lookout

import (
	_ "github.com/jackc/pgx/v5"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/schollz/progressbar/v3"
	_ "golang.org/x/text/unicode/norm"
	_ "modernc.org/sqlite"
)
