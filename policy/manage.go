package policy

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
)

// The grant subjects of the audience matrix besides account types.
const (
	GrantAnonymous = "anonymous"
	GrantSignedIn  = "signed_in"
)

// Matrix is the audience matrix: which audiences each kind of reader is granted.
// Keys of Grants are "anonymous", "signed_in" and account type keys. A signed-in user
// reads the union of the anonymous, signed_in and their account type's grants.
type Matrix struct {
	Audiences []string            `json:"audiences"`
	Grants    map[string][]string `json:"grants"`
}

// RoleMatrix is the staff permission matrix.
type RoleMatrix struct {
	Permissions []string            `json:"permissions"`
	Roles       map[string][]string `json:"roles"`
}

// AccountType is a kind of customer; each has an audience of the same key.
type AccountType struct {
	bun.BaseModel `bun:"table:account_types"`
	Key           string `bun:"key,pk" json:"key"`
	LabelPL       string `bun:"label_pl" json:"label_pl"`
	LabelEN       string `bun:"label_en" json:"label_en"`
	Position      int    `bun:"position" json:"position"`
	Users         int    `bun:"users,scanonly" json:"users"`
}

// StaffRole is a staff role; the built-in ones (admin, editor, agent) cannot be deleted.
type StaffRole struct {
	bun.BaseModel `bun:"table:staff_roles"`
	Key           string `bun:"key,pk" json:"key"`
	LabelPL       string `bun:"label_pl" json:"label_pl"`
	LabelEN       string `bun:"label_en" json:"label_en"`
	Builtin       bool   `bun:"builtin" json:"builtin"`
}

func grantSubject(key string) string {
	if key == GrantAnonymous || key == GrantSignedIn {
		return key
	}
	return "type:" + key
}

// Matrix returns the current audience matrix from the loaded policy.
func (e *Enforcer) Matrix(ctx context.Context) (Matrix, error) {
	types, err := e.AccountTypes(ctx)
	if err != nil {
		return Matrix{}, err
	}
	m := Matrix{Audiences: e.AllAudiences(), Grants: map[string][]string{}}
	keys := []string{GrantAnonymous, GrantSignedIn}
	for _, t := range types {
		keys = append(keys, t.Key)
	}
	st := e.state.Load()
	for _, k := range keys {
		var got []string
		ps, _ := st.e.GetFilteredPolicy(0, grantSubject(k))
		for _, p := range ps {
			if len(p) >= 3 && p[2] == "read" && strings.HasPrefix(p[1], "audience:") {
				got = append(got, strings.TrimPrefix(p[1], "audience:"))
			}
		}
		sort.Strings(got)
		if got == nil {
			got = []string{}
		}
		m.Grants[k] = got
	}
	return m, nil
}

// ReadersOf returns, for a proposed matrix, the audiences each kind of reader would read
// (a user of a type reads anonymous ∪ signed_in ∪ the type's grants). The console uses it
// to preview what a change gains or loses before it is saved.
func ReadersOf(grants map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range grants {
		set := slices.Clone(v)
		if k != GrantAnonymous {
			set = append(set, grants[GrantAnonymous]...)
		}
		if k != GrantAnonymous && k != GrantSignedIn {
			set = append(set, grants[GrantSignedIn]...)
		}
		sort.Strings(set)
		out[k] = slices.Compact(set)
	}
	return out
}

// PutMatrix replaces the audience matrix. Only audience grants of anonymous, signed_in
// and account types are touched; staff and token lines stay.
func (e *Enforcer) PutMatrix(ctx context.Context, actor Subject, grants map[string][]string) error {
	if err := e.Require(actor, PolicyManage); err != nil {
		return err
	}
	before, err := e.Matrix(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, a := range before.Audiences {
		known[a] = true
	}
	var problems []apperr.FieldError
	clean := map[string][]string{}
	for k, auds := range grants {
		if _, ok := before.Grants[k]; !ok {
			problems = append(problems, apperr.Field("grants."+k, "Nieznany typ konta."))
			continue
		}
		var list []string
		for _, a := range auds {
			if !known[a] {
				problems = append(problems, apperr.Field("grants."+k, fmt.Sprintf("Nieznana grupa odbiorców %q.", a)))
				continue
			}
			if a == AudienceStaff {
				problems = append(problems, apperr.Field("grants."+k, "Materiały dla personelu są dostępne tylko dla ról personelu."))
				continue
			}
			list = append(list, a)
		}
		sort.Strings(list)
		clean[k] = slices.Compact(list)
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return err
	}
	// Keys left out keep their grants; the API's PUT replaces whole rows it names.
	after := Matrix{Audiences: before.Audiences, Grants: map[string][]string{}}
	for k, v := range before.Grants {
		after.Grants[k] = v
	}
	for k, v := range clean {
		after.Grants[k] = v
	}
	err = e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for k, auds := range clean {
			if _, err := tx.NewDelete().Model((*Rule)(nil)).
				Where("ptype = 'p' AND v0 = ? AND v1 LIKE 'audience:%' AND v2 = 'read'", grantSubject(k)).Exec(ctx); err != nil {
				return err
			}
			for _, a := range auds {
				r := ruleOf("p", []string{grantSubject(k), "audience:" + a, "read"})
				if _, err := tx.NewInsert().Model(&r).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, actor, "policy.grants", "policy:audiences", before.Grants, after.Grants)
	})
	if err != nil {
		return err
	}
	return e.Reload(ctx)
}

// Roles returns the staff permission matrix.
func (e *Enforcer) Roles(ctx context.Context) (RoleMatrix, error) {
	roles, err := e.StaffRoles(ctx)
	if err != nil {
		return RoleMatrix{}, err
	}
	out := RoleMatrix{Roles: map[string][]string{}}
	for _, p := range Permissions {
		out.Permissions = append(out.Permissions, p.String())
	}
	for _, r := range roles {
		perms := []string{}
		for _, p := range Permissions {
			if ok, _ := e.state.Load().e.Enforce("role:"+r.Key, p.Object, p.Action); ok {
				perms = append(perms, p.String())
			}
		}
		out.Roles[r.Key] = perms
	}
	return out, nil
}

var roleKey = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// PutRoles replaces the permissions of the named roles; a name that is not a role yet
// creates a custom staff role. The built-in admin role always keeps policy:manage, so
// nobody can lock every admin out.
func (e *Enforcer) PutRoles(ctx context.Context, actor Subject, roles map[string][]string) error {
	if err := e.Require(actor, PolicyManage); err != nil {
		return err
	}
	before, err := e.Roles(ctx)
	if err != nil {
		return err
	}
	var problems []apperr.FieldError
	clean := map[string][]Permission{}
	for role, perms := range roles {
		if !roleKey.MatchString(role) {
			problems = append(problems, apperr.Field("roles."+role, "Nazwa roli: małe litery, cyfry i _, od 2 do 40 znaków."))
			continue
		}
		var ps []Permission
		for _, s := range perms {
			p, ok := ParsePermission(s)
			if !ok || !slices.Contains(Permissions, p) {
				problems = append(problems, apperr.Field("roles."+role, fmt.Sprintf("Nieznane uprawnienie %q.", s)))
				continue
			}
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		if role == "admin" && !slices.Contains(ps, PolicyManage) {
			problems = append(problems, apperr.Field("roles.admin", "Rola administratora musi zachować uprawnienie policy:manage."))
		}
		clean[role] = ps
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return err
	}
	err = e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for role, perms := range clean {
			if _, exists := before.Roles[role]; !exists {
				r := &StaffRole{Key: role, LabelPL: role, LabelEN: role}
				if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
					return err
				}
				// Staff read every audience, whatever their duties.
				line := ruleOf("p", []string{"role:" + role, "audience:*", "read"})
				if _, err := tx.NewInsert().Model(&line).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
					return err
				}
			}
			if _, err := tx.NewDelete().Model((*Rule)(nil)).
				Where("ptype = 'p' AND v0 = ? AND v1 NOT LIKE 'audience:%'", "role:"+role).Exec(ctx); err != nil {
				return err
			}
			for _, p := range perms {
				line := ruleOf("p", []string{"role:" + role, p.Object, p.Action})
				if _, err := tx.NewInsert().Model(&line).Exec(ctx); err != nil {
					return err
				}
			}
		}
		after := map[string][]string{}
		for role, perms := range clean {
			for _, p := range perms {
				after[role] = append(after[role], p.String())
			}
		}
		return audit.Record(ctx, tx, actor, "policy.roles", "policy:roles", before.Roles, after)
	})
	if err != nil {
		return err
	}
	return e.Reload(ctx)
}

// StaffRoles lists the staff roles.
func (e *Enforcer) StaffRoles(ctx context.Context) ([]StaffRole, error) {
	var out []StaffRole
	err := e.db.Bun.NewSelect().Model(&out).OrderExpr("builtin DESC, key").Scan(ctx)
	return out, err
}

// DeleteStaffRole removes a custom role nobody has.
func (e *Enforcer) DeleteStaffRole(ctx context.Context, actor Subject, key string) error {
	if err := e.Require(actor, PolicyManage); err != nil {
		return err
	}
	err := e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var r StaffRole
		if err := tx.NewSelect().Model(&r).Where("key = ?", key).For("UPDATE").Scan(ctx); err != nil {
			return apperr.NotFoundf("Nie ma takiej roli.")
		}
		if r.Builtin {
			return apperr.Conflictf("Wbudowanej roli nie można usunąć.")
		}
		n, err := tx.NewSelect().Table("users").Where("staff_role = ?", key).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflictf("Rolę ma %d użytkowników; najpierw zmień im rolę.", n)
		}
		if _, err := tx.NewDelete().Model((*Rule)(nil)).Where("v0 = ?", "role:"+key).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model(&r).WherePK().Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "policy.role_delete", "role:"+key, r, nil)
	})
	if err != nil {
		return err
	}
	return e.Reload(ctx)
}

// AccountTypes lists account types with how many users have each.
func (e *Enforcer) AccountTypes(ctx context.Context) ([]AccountType, error) {
	var out []AccountType
	err := e.db.Bun.NewSelect().Model(&out).
		ColumnExpr("account_type.key, account_type.label_pl, account_type.label_en, account_type.position").
		ColumnExpr("(SELECT count(*) FROM users u WHERE u.account_type = account_type.key) AS users").
		OrderExpr("position, key").Scan(ctx)
	return out, err
}

var typeKey = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

func validateLabels(t AccountType) []apperr.FieldError {
	var problems []apperr.FieldError
	if strings.TrimSpace(t.LabelPL) == "" || len(t.LabelPL) > 100 {
		problems = append(problems, apperr.Field("label_pl", "Podaj polską nazwę (do 100 znaków)."))
	}
	if strings.TrimSpace(t.LabelEN) == "" || len(t.LabelEN) > 100 {
		problems = append(problems, apperr.Field("label_en", "Podaj angielską nazwę (do 100 znaków)."))
	}
	return problems
}

// CreateAccountType adds an account type and grants it its own audience.
func (e *Enforcer) CreateAccountType(ctx context.Context, actor Subject, t AccountType) (AccountType, error) {
	if err := e.Require(actor, PolicyManage); err != nil {
		return AccountType{}, err
	}
	t.Key = strings.TrimSpace(t.Key)
	problems := validateLabels(t)
	if !typeKey.MatchString(t.Key) {
		problems = append(problems, apperr.Field("key", "Klucz: małe litery, cyfry i _, od 2 do 40 znaków, zaczyna się literą."))
	} else if slices.Contains([]string{AudiencePublic, AudienceSignedIn, AudienceStaff, GrantAnonymous}, t.Key) {
		problems = append(problems, apperr.Field("key", "Ten klucz jest zarezerwowany."))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return AccountType{}, err
	}
	err := e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		exists, err := tx.NewSelect().Model((*AccountType)(nil)).Where("key = ?", t.Key).Exists(ctx)
		if err != nil {
			return err
		}
		if exists {
			return &apperr.Error{Code: apperr.Invalid, Message: "Popraw zaznaczone pola.", Fields: []apperr.FieldError{apperr.Field("key", "Taki typ konta już istnieje.")}}
		}
		if err := tx.NewSelect().ColumnExpr("coalesce(max(position), 0) + 1").Table("account_types").Scan(ctx, &t.Position); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&t).Exec(ctx); err != nil {
			return err
		}
		line := ruleOf("p", []string{"type:" + t.Key, "audience:" + t.Key, "read"})
		if _, err := tx.NewInsert().Model(&line).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "policy.account_type_create", "account_type:"+t.Key, nil, t)
	})
	if err != nil {
		return AccountType{}, err
	}
	return t, e.Reload(ctx)
}

// UpdateAccountType renames an account type (the key stays).
func (e *Enforcer) UpdateAccountType(ctx context.Context, actor Subject, key string, labelPL, labelEN string) (AccountType, error) {
	if err := e.Require(actor, PolicyManage); err != nil {
		return AccountType{}, err
	}
	var t AccountType
	err := e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(&t).Where("key = ?", key).For("UPDATE").Scan(ctx); err != nil {
			return apperr.NotFoundf("Nie ma takiego typu konta.")
		}
		before := t
		if labelPL != "" {
			t.LabelPL = labelPL
		}
		if labelEN != "" {
			t.LabelEN = labelEN
		}
		if err := apperr.InvalidFields(validateLabels(t)...); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model(&t).Column("label_pl", "label_en").WherePK().Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "policy.account_type_update", "account_type:"+key, before, t)
	})
	if err != nil {
		return AccountType{}, err
	}
	return t, e.Reload(ctx)
}

// DeleteAccountType retires an account type that no user has; its grants go with it.
func (e *Enforcer) DeleteAccountType(ctx context.Context, actor Subject, key string) error {
	if err := e.Require(actor, PolicyManage); err != nil {
		return err
	}
	err := e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var t AccountType
		if err := tx.NewSelect().Model(&t).Where("key = ?", key).For("UPDATE").Scan(ctx); err != nil {
			return apperr.NotFoundf("Nie ma takiego typu konta.")
		}
		n, err := tx.NewSelect().Table("users").Where("account_type = ?", key).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflictf("Ten typ konta ma %d użytkowników; najpierw zmień im typ.", n)
		}
		if _, err := tx.NewDelete().Model((*Rule)(nil)).
			Where("v0 = ? OR (ptype = 'p' AND v1 = ?)", "type:"+key, "audience:"+key).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model(&t).WherePK().Exec(ctx); err != nil {
			return apperr.Conflictf("Ten typ konta jest jeszcze używany (np. w zleceniach).")
		}
		return audit.Record(ctx, tx, actor, "policy.account_type_delete", "account_type:"+key, t, nil)
	})
	if err != nil {
		return err
	}
	return e.Reload(ctx)
}
