package db

import (
	"testing"
	"testing/fstest"
)

func TestLoadMigrationsNeedsDownFiles(t *testing.T) {
	if _, err := loadMigrations(fstest.MapFS{"0001_a.up.sql": {Data: []byte("SELECT 1")}}); err == nil {
		t.Fatal("an up file without a down file was accepted")
	}
	ms, err := loadMigrations(fstest.MapFS{
		"0002_b.up.sql":   {Data: []byte("SELECT 2")},
		"0002_b.down.sql": {Data: []byte("SELECT -2")},
		"0010_c.up.sql":   {Data: []byte("SELECT 10")},
		"0010_c.down.sql": {Data: []byte("SELECT -10")},
		"README":          {Data: []byte("ignored")},
	})
	if err != nil || len(ms) != 2 || ms[0].Version != 2 || ms[1].Version != 10 {
		t.Fatalf("loadMigrations = %+v, %v", ms, err)
	}
}
