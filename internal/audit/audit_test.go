package audit_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

func TestRecordAndFind(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	var userID int64
	if err := d.Pool.QueryRow(ctx, `INSERT INTO users (email, name) VALUES ('ed@example.com', 'Ed') RETURNING id`).Scan(&userID); err != nil {
		t.Fatal(err)
	}
	ed := policy.Subject{UserID: userID, Email: "ed@example.com", StaffRole: "editor"}
	if err := audit.Record(ctx, d.Bun, ed, "article.publish", "article:1", map[string]any{"state": "draft"}, map[string]any{"state": "published"}); err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(ctx, d.Bun, audit.System, "import.run", "import", nil, map[string]int{"articles": 3}); err != nil {
		t.Fatal(err)
	}
	// An entry written in a rolled-back transaction does not exist.
	_ = d.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := audit.Record(ctx, tx, ed, "article.delete", "article:2", nil, nil); err != nil {
			t.Fatal(err)
		}
		return context.Canceled
	})

	all, err := audit.Find(ctx, d.Bun, audit.Filter{})
	if err != nil || len(all) != 2 || all[0].Action != "import.run" {
		t.Fatalf("Find = %+v, %v", all, err)
	}
	byActor, _ := audit.Find(ctx, d.Bun, audit.Filter{ActorID: userID})
	if len(byActor) != 1 || string(byActor[0].After) != `{"state": "published"}` || byActor[0].Actor != "ed@example.com" {
		t.Fatalf("by actor = %+v", byActor)
	}
	byAction, _ := audit.Find(ctx, d.Bun, audit.Filter{Action: "article."})
	if len(byAction) != 1 {
		t.Fatalf("by action prefix = %+v", byAction)
	}
}
