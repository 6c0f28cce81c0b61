package account

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

func importFile(e *testEnv, content, file string) error {
	return e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return ImportUsers(ctx, tx, strings.NewReader(content), file)
	})
}

func TestImportSeedUsers(t *testing.T) {
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "..", "shared", "data", "helpcenter", "users.jsonl"))
	if err != nil {
		t.Skipf("seed data not available: %v", err)
	}
	e := newTestEnv(t)
	for run := 1; run <= 2; run++ { // the second run changes nothing
		if err := importFile(e, string(b), "users.jsonl"); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		counts := map[string]int{}
		rows, err := e.db.Pool.Query(ctx, `SELECT coalesce(account_type, 'none') || '/' || source, count(*) FROM users WHERE staff_role IS NULL GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for rows.Next() {
			var k string
			var n int
			_ = rows.Scan(&k, &n)
			counts[strings.Split(k, "/")[0]] += n
			total += n
		}
		rows.Close()
		if diff := cmp.Diff(map[string]int{"accountant": 22, "office_client": 18, "partner": 6, "none": 14}, counts); diff != "" || total != 60 {
			t.Errorf("run %d: users by account type (-want +got):\n%s", run, diff)
		}
	}
	u, err := e.UserByEmail(ctx, "K.Lewandowska@biuro-saldo.example")
	if err != nil || u.Source != SourceSocial || u.AccountType != "accountant" || u.Name != "Katarzyna Lewandowska" || !u.IsContact() {
		t.Errorf("imported user = %+v, %v", u, err)
	}
}

func TestImportKeepsWhatIsNotInTheFile(t *testing.T) {
	e := newTestEnv(t)
	u := e.mustCreateUser(t, "anna@example.com", goodPassword)
	err := importFile(e, `{"email": "ANNA@example.com", "name": "Anna Importowana", "account_type": "partner", "source": "registered", "has_password": true}`+"\n", "users.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.UserByEmail(ctx, "anna@example.com")
	if got.ID != u.ID || !got.HasPassword || got.AccountType != "partner" || got.Name != "Anna Importowana" {
		t.Errorf("after import: %+v", got)
	}
}

func TestImportReportsBadLines(t *testing.T) {
	e := newTestEnv(t)
	file := strings.Join([]string{
		`{"email": "ok@example.com", "name": "OK", "account_type": "none", "source": "support_email", "has_password": false}`,
		`{"email": "not-an-address", "name": "X", "account_type": "none", "source": "registered", "has_password": true}`,
		``,
		`{"email": "b@example.com", "name": "B", "account_type": "astronaut", "source": "registered", "has_password": true}`,
		`{"email": "c@example.com", "name": "C", "account_type": "partner", "source": "fax", "has_password": true}`,
		`not json`,
		`{"email": "OK@example.com", "name": "Dup", "account_type": "none", "source": "registered", "has_password": true}`,
		`{"email": "d@example.com", "nick": "D"}`,
	}, "\n")
	err := importFile(e, file, "users.jsonl")
	if err == nil {
		t.Fatal("bad file imported")
	}
	for _, want := range []string{"users.jsonl:2: invalid e-mail", "users.jsonl:4: unknown account_type \"astronaut\"",
		"users.jsonl:5: unknown source \"fax\"", "users.jsonl:6: not a user record", "users.jsonl:7: e-mail OK@example.com already appears on line 1",
		"users.jsonl:8: not a user record"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	var n int
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE email <> $1`, adminSubject.Email).Scan(&n)
	if n != 0 {
		t.Errorf("%d users written from a file with bad lines", n)
	}
}
