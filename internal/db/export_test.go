package db

import "context"

// MigrateSet lets the external tests run a hand-made list of migrations.
func (d *DB) MigrateSet(ctx context.Context, ms []Migration) ([]Migration, error) {
	return d.migrate(ctx, ms)
}
