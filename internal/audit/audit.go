// Package audit writes and reads the audit log: every staff action, with who did it, on
// what, and the state before and after. Entries are written inside the transaction of the
// change they describe, so the log never misses a committed change nor shows a rolled
// back one.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Entry is one audit log row.
type Entry struct {
	bun.BaseModel `bun:"table:audit_log"`
	ID            int64           `bun:"id,pk,autoincrement" json:"id"`
	ActorID       *int64          `bun:"actor_id" json:"actor_id"`
	Actor         string          `bun:"actor" json:"actor"`
	Action        string          `bun:"action" json:"action"`
	Object        string          `bun:"object" json:"object"`
	Before        json.RawMessage `bun:"before,type:jsonb,nullzero" json:"before,omitempty"`
	After         json.RawMessage `bun:"after,type:jsonb,nullzero" json:"after,omitempty"`
	At            time.Time       `bun:"at,nullzero,notnull,default:current_timestamp" json:"at"`
}

// Actor is who made a change: policy.Subject implements it.
type Actor interface {
	// AuditUserID is the acting user's id, 0 for tokens and the system.
	AuditUserID() int64
	// Label names the actor in the log (an e-mail, token:<id>, system).
	Label() string
}

type systemActor struct{}

func (systemActor) AuditUserID() int64 { return 0 }
func (systemActor) Label() string      { return "system" }

// System is the actor of changes made by the program itself (imports, scheduled jobs).
var System Actor = systemActor{}

// Record writes an entry in idb (pass the transaction of the change). action is a verb
// such as "article.publish"; object names the thing, such as "article:42"; before and
// after are marshalled to JSON (nil for none).
func Record(ctx context.Context, idb bun.IDB, actor Actor, action, object string, before, after any) error {
	e := &Entry{Actor: actor.Label(), Action: action, Object: object}
	if id := actor.AuditUserID(); id != 0 {
		e.ActorID = &id
	}
	var err error
	if e.Before, err = marshal(before); err != nil {
		return err
	}
	if e.After, err = marshal(after); err != nil {
		return err
	}
	if _, err := idb.NewInsert().Model(e).Exec(ctx); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, object, err)
	}
	return nil
}

func marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Filter selects entries; zero fields do not filter.
type Filter struct {
	ActorID      int64
	Actor        string // substring of the actor label
	Action       string // prefix, e.g. "article." or "policy.grants"
	Object       string // exact, e.g. "article:42"
	Since, Until time.Time
	BeforeID     int64 // keyset pagination: entries older than this id
	Limit        int
}

// Find returns entries newest first.
func Find(ctx context.Context, idb bun.IDB, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var out []Entry
	q := idb.NewSelect().Model(&out).OrderExpr("at DESC, id DESC").Limit(int64(f.Limit))
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Actor != "" {
		q = q.Where("actor ILIKE ?", "%"+f.Actor+"%")
	}
	if f.Action != "" {
		q = q.Where("action LIKE ?", f.Action+"%")
	}
	if f.Object != "" {
		q = q.Where("object = ?", f.Object)
	}
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		q = q.Where("at < ?", f.Until)
	}
	if f.BeforeID != 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	err := q.Scan(ctx)
	return out, err
}

// Reader reads the log for the console and the management API.
type Reader struct{ DB bun.IDB }

// FindAudit returns entries newest first.
func (r Reader) FindAudit(ctx context.Context, f Filter) ([]Entry, error) { return Find(ctx, r.DB, f) }
