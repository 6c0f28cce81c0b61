// Package synonyms keeps the search synonyms that staff edit in the console ("korekta,
// faktura korygująca"): one group of words or phrases per line, added to the built-in
// groups of internal/polish. Search expands a query with every phrase of a group the
// query names, so a change applies to the next search without re-indexing anything.
//
// The list lives in PostgreSQL (search_synonyms, migration 0061). Saving it rebuilds the
// analyzer of this instance's search index at once; a notification makes every other
// instance do the same, and moves the content version so that cached results made with
// the old list are dropped everywhere.
package synonyms

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/polish"
	"github.com/helpcenter/helpcenter/policy"
)

// Channel is the notification sent when the list changes.
const Channel = "helpcenter_synonyms"

// Limits of the list.
const (
	MaxGroups     = 500
	MaxPhrases    = 20
	MaxPhraseLen  = 80
	MaxTextLength = 100_000
)

// Target is what the synonyms apply to: the search index (content/search.Index).
type Target interface {
	SetAnalyzer(a *polish.Analyzer)
}

// Generation tells that this instance has seen a committed change: the knowledge base's
// content generation (content.Service.Generation) moves when the change notification
// arrives, and the caches of what readers get (search results, API answers) follow it.
type Generation interface {
	Generation() uint64
}

// Service reads, saves and applies the synonym list.
type Service struct {
	db     *db.DB
	policy *policy.Enforcer
	target Target
	gen    Generation
	log    *slog.Logger

	// applyMu orders the rebuilds, so an older list never replaces a newer one.
	applyMu sync.Mutex
}

// New builds the service; target gets a new analyzer whenever the list changes. gen
// (optional) lets Save return only once this instance's caches have seen the change.
func New(d *db.DB, p *policy.Enforcer, target Target, gen Generation, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: d, policy: p, target: target, gen: gen, log: log}
}

// List is the staff-edited synonym list.
type List struct {
	// Groups are the staff's groups in their order.
	Groups [][]string
	// BuiltIn are the groups that always apply (internal/polish).
	BuiltIn [][]string
	// UpdatedAt and UpdatedBy tell who saved the list last; zero before the first save.
	UpdatedAt time.Time
	UpdatedBy string
}

// Text is the list as staff edit it: one group per line, phrases separated by commas.
func (l *List) Text() string { return Format(l.Groups) }

// Format writes groups one per line, phrases separated by ", ".
func Format(groups [][]string) string {
	var b strings.Builder
	for _, g := range groups {
		b.WriteString(strings.Join(g, ", "))
		b.WriteByte('\n')
	}
	return b.String()
}

// List returns the synonym list (policy.ArticleEdit).
func (s *Service) List(ctx context.Context, actor policy.Subject) (*List, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	groups, err := s.load(ctx, s.db.Bun)
	if err != nil {
		return nil, err
	}
	l := &List{Groups: groups, BuiltIn: polish.DefaultSynonyms}
	var meta struct {
		UpdatedAt time.Time `bun:"updated_at"`
		Name      string    `bun:"name"`
	}
	err = s.db.Bun.NewRaw(`SELECT s.updated_at, coalesce(nullif(u.name, ''), u.email, '') AS name
		FROM search_synonyms s LEFT JOIN users u ON u.id = s.updated_by ORDER BY s.updated_at DESC LIMIT 1`).Scan(ctx, &meta)
	if err == nil {
		l.UpdatedAt, l.UpdatedBy = meta.UpdatedAt, meta.Name
	}
	return l, nil
}

func (s *Service) load(ctx context.Context, idb bun.IDB) ([][]string, error) {
	var rows []struct {
		Phrases []string `bun:"phrases,array"`
	}
	if err := idb.NewRaw(`SELECT phrases FROM search_synonyms ORDER BY position, id`).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("synonyms: load: %w", err)
	}
	groups := make([][]string, len(rows))
	for i, r := range rows {
		groups[i] = r.Phrases
	}
	return groups, nil
}

// Parse reads the list as staff type it (see polish.ParseSynonyms) and checks its limits.
// Problems are invalid input on the field "synonyms", naming the line.
func Parse(text string) ([][]string, error) {
	if len(text) > MaxTextLength {
		return nil, invalid("Lista jest za długa (najwyżej %d znaków).", MaxTextLength)
	}
	groups, err := polish.ParseSynonyms(text)
	if err != nil {
		var line int
		if _, serr := fmt.Sscanf(err.Error(), "line %d:", &line); serr == nil {
			return nil, invalid("Wiersz %d: grupa potrzebuje co najmniej dwóch słów lub wyrażeń rozdzielonych przecinkami.", line)
		}
		return nil, invalid("Nie udało się odczytać listy: %v", err)
	}
	if len(groups) > MaxGroups {
		return nil, invalid("Najwyżej %d grup synonimów.", MaxGroups)
	}
	for i, g := range groups {
		if len(g) > MaxPhrases {
			return nil, invalid("Grupa %d (%s…): najwyżej %d słów lub wyrażeń w grupie.", i+1, g[0], MaxPhrases)
		}
		for _, p := range g {
			if utf8.RuneCountInString(p) > MaxPhraseLen {
				return nil, invalid("Grupa %d: wyrażenie „%s” jest za długie (najwyżej %d znaków).", i+1, p, MaxPhraseLen)
			}
			if len(polish.Tokenize(p)) == 0 {
				return nil, invalid("Grupa %d: „%s” nie zawiera żadnego słowa.", i+1, p)
			}
		}
	}
	return groups, nil
}

func invalid(format string, args ...any) error {
	return apperr.InvalidFields(apperr.Field("synonyms", fmt.Sprintf(format, args...)))
}

// Save replaces the list with the one typed (policy.StructureManage: it changes what
// every reader finds) and applies it at once; the audit log keeps the list before and
// after.
func (s *Service) Save(ctx context.Context, actor policy.Subject, text string) (*List, error) {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return nil, err
	}
	groups, err := Parse(text)
	if err != nil {
		return nil, err
	}
	var before uint64
	if s.gen != nil {
		before = s.gen.Generation()
	}
	changed := false
	err = s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw(`LOCK TABLE search_synonyms IN EXCLUSIVE MODE`).Exec(ctx); err != nil {
			return err
		}
		old, err := s.load(ctx, tx)
		if err != nil {
			return err
		}
		if Format(old) == Format(groups) {
			return nil
		}
		changed = true
		if _, err := tx.NewRaw(`DELETE FROM search_synonyms`).Exec(ctx); err != nil {
			return err
		}
		for i, g := range groups {
			if _, err := tx.NewRaw(`INSERT INTO search_synonyms (position, phrases, updated_by) VALUES (?, ?, NULLIF(?, 0))`,
				i+1, pgdialect.Array(g), actor.UserID).Exec(ctx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, "search.synonyms.update", "search:synonyms", map[string]any{"groups": old}, map[string]any{"groups": groups})
	})
	if err != nil {
		return nil, fmt.Errorf("synonyms: save: %w", err)
	}
	if err := s.Apply(ctx); err != nil {
		return nil, err
	}
	if changed {
		s.awaitGeneration(ctx, before)
	}
	return s.List(ctx, actor)
}

// settleWait bounds how long Save waits for its own change notification.
const settleWait = 2 * time.Second

// awaitGeneration waits until this instance's caches have seen the change (the content
// generation moved past before), so whoever saved the list searches with it at once.
// The notification takes milliseconds; without a listener the wait simply times out.
func (s *Service) awaitGeneration(ctx context.Context, before uint64) {
	if s.gen == nil {
		return
	}
	deadline := time.Now().Add(settleWait)
	for s.gen.Generation() == before && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
}

// Analyzer builds the Polish analyzer with the built-in synonyms and the given groups.
func Analyzer(groups [][]string) (*polish.Analyzer, error) {
	return polish.New(polish.WithSynonyms(groups))
}

// Apply loads the list and gives the target an analyzer that knows it. The wiring calls it
// at start; Watch calls it on every change anywhere.
func (s *Service) Apply(ctx context.Context) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	groups, err := s.load(ctx, s.db.Bun)
	if err != nil {
		return err
	}
	an, err := Analyzer(groups)
	if err != nil {
		return fmt.Errorf("synonyms: analyzer: %w", err)
	}
	s.target.SetAnalyzer(an)
	return nil
}

// Watch applies the list again on every change notification, and after every reconnect
// of the listener (a change may have been missed meanwhile). Register it before the
// listener starts.
func (s *Service) Watch(ln *db.Listener) {
	ln.Handle(Channel, func(ctx context.Context) {
		if err := s.Apply(ctx); err != nil {
			s.log.Error("reload search synonyms", "err", err)
		}
	})
}
