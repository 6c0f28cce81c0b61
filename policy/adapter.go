package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"
)

// Rule is one row of casbin_rule.
type Rule struct {
	bun.BaseModel `bun:"table:casbin_rule"`
	ID            int64  `bun:"id,pk,autoincrement"`
	PType         string `bun:"ptype"`
	V0            string `bun:"v0"`
	V1            string `bun:"v1"`
	V2            string `bun:"v2"`
	V3            string `bun:"v3"`
	V4            string `bun:"v4"`
	V5            string `bun:"v5"`
}

func (r Rule) values() []string {
	vs := []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
	for len(vs) > 0 && vs[len(vs)-1] == "" {
		vs = vs[:len(vs)-1]
	}
	return vs
}

func ruleOf(ptype string, vs []string) Rule {
	r := Rule{PType: ptype}
	fields := []*string{&r.V0, &r.V1, &r.V2, &r.V3, &r.V4, &r.V5}
	for i, v := range vs {
		if i < len(fields) {
			*fields[i] = v
		}
	}
	return r
}

// adapter stores Casbin policies in casbin_rule through bun. Policy edits made by this
// package's service methods write SQL directly inside their transactions (with the audit
// entry); the adapter's write methods serve Casbin's own API.
type adapter struct {
	db bun.IDB
}

var _ persist.Adapter = (*adapter)(nil)

func (a *adapter) LoadPolicy(m model.Model) error {
	var rules []Rule
	if err := a.db.NewSelect().Model(&rules).Order("id").Scan(context.Background()); err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	for _, r := range rules {
		line := append([]string{r.PType}, r.values()...)
		if err := persist.LoadPolicyArray(line, m); err != nil {
			return err
		}
	}
	return nil
}

func (a *adapter) SavePolicy(m model.Model) error {
	var rules []Rule
	for _, sec := range []string{"p", "g"} {
		for ptype, ast := range m[sec] {
			for _, vs := range ast.Policy {
				rules = append(rules, ruleOf(ptype, vs))
			}
		}
	}
	return a.db.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Rule)(nil)).Where("true").Exec(ctx); err != nil {
			return err
		}
		if len(rules) == 0 {
			return nil
		}
		_, err := tx.NewInsert().Model(&rules).Exec(ctx)
		return err
	})
}

func (a *adapter) AddPolicy(_ string, ptype string, vs []string) error {
	r := ruleOf(ptype, vs)
	_, err := a.db.NewInsert().Model(&r).On("CONFLICT DO NOTHING").Exec(context.Background())
	return err
}

func (a *adapter) RemovePolicy(_ string, ptype string, vs []string) error {
	r := ruleOf(ptype, vs)
	_, err := a.db.NewDelete().Model((*Rule)(nil)).
		Where("ptype = ? AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ? AND v4 = ? AND v5 = ?", r.PType, r.V0, r.V1, r.V2, r.V3, r.V4, r.V5).
		Exec(context.Background())
	return err
}

func (a *adapter) RemoveFilteredPolicy(_ string, ptype string, fieldIndex int, fieldValues ...string) error {
	q := a.db.NewDelete().Model((*Rule)(nil)).Where("ptype = ?", ptype)
	for i, v := range fieldValues {
		if v == "" || fieldIndex+i > 5 {
			continue
		}
		q = q.Where("? = ?", bun.Ident("v"+strings.TrimSpace(fmt.Sprint(fieldIndex+i))), v)
	}
	_, err := q.Exec(context.Background())
	return err
}
