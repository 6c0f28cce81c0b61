// Package migrations holds the SQL schema changes, applied in order by internal/db.
// Each change is a pair NNNN_name.up.sql / NNNN_name.down.sql; every file runs in one
// transaction together with its bookkeeping row, so a failed migration changes nothing.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
