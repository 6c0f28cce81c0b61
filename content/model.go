package content

import "time"

// Article kinds.
const (
	KindArticle = "article"
	KindFAQ     = "faq"
)

// Article states. An article is live (readers see its published revision) in state
// published, and also in state in_review when a newer revision of a live article awaits
// review; draft and archived articles are not live.
const (
	StateDraft     = "draft"
	StateInReview  = "in_review"
	StatePublished = "published"
	StateArchived  = "archived"
)

// Category groups sections.
type Category struct {
	ID          int64     `bun:"id"`
	Slug        string    `bun:"slug"`
	Name        string    `bun:"name"`
	Description string    `bun:"description"`
	Position    int       `bun:"position"`
	ExternalID  string    `bun:"external_id"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
	// Sections are ordered by position. In reader views only the sections the subject
	// may see are listed.
	Sections []Section `bun:"-"`
}

// Section is an ordered group of articles within a category. Its audiences decide who
// sees the section (and so its articles), and they are the default audiences of new
// articles in it.
type Section struct {
	ID          int64     `bun:"id"`
	CategoryID  int64     `bun:"category_id"`
	Slug        string    `bun:"slug"`
	Name        string    `bun:"name"`
	Description string    `bun:"description"`
	Position    int       `bun:"position"`
	Audiences   []string  `bun:"audiences,array"`
	ExternalID  string    `bun:"external_id"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
	// ArticleCount counts the articles the subject may read (reader views) or all
	// articles in any state (staff views).
	ArticleCount int `bun:"article_count"`
}

// ArticleSummary is what lists and search results show of a published article.
type ArticleSummary struct {
	ID         int64    `bun:"id"`
	Slug       string   `bun:"slug"`
	Title      string   `bun:"title"`
	Kind       string   `bun:"kind"`
	SectionID  int64    `bun:"section_id"`
	CategoryID int64    `bun:"category_id"`
	Audiences  []string `bun:"audiences,array"`
	Tags       []string `bun:"tags,array"`
	// UpdatedAt is when readers' view of the article last changed.
	UpdatedAt   time.Time `bun:"updated_at"`
	PublishedAt time.Time `bun:"published_at"`
	ExternalID  string    `bun:"external_id"`
}

// Article is a published article as readers get it: its published revision.
type Article struct {
	ArticleSummary
	RevisionID int64  `bun:"revision_id"`
	BodyMD     string `bun:"body_md"`
	BodyHTML   string `bun:"body_html"`
}

// ArticlePage is one page of a list.
type ArticlePage struct {
	Articles []ArticleSummary
	// NextCursor continues the list; "" on the last page.
	NextCursor string
}

// Comment is a visible comment on an article.
type Comment struct {
	ID         int64     `bun:"id"`
	ArticleID  int64     `bun:"article_id"`
	ParentID   int64     `bun:"parent_id"`
	AuthorName string    `bun:"author_name"`
	Body       string    `bun:"body"`
	CreatedAt  time.Time `bun:"created_at"`
	// FromStaff marks an answer of the support team.
	FromStaff bool `bun:"from_staff"`
}

// CommentPage is one page of comments, oldest first.
type CommentPage struct {
	Comments   []Comment
	NextCursor string
}

// ManagedArticle is an article as staff see it: any state, the current (possibly
// unpublished) revision, the publishing schedule.
type ManagedArticle struct {
	ID        int64    `bun:"id"`
	SectionID int64    `bun:"section_id"`
	Slug      string   `bun:"slug"`
	Kind      string   `bun:"kind"`
	State     string   `bun:"state"`
	Audiences []string `bun:"audiences,array"`
	Tags      []string `bun:"tags,array"`
	// Title and BodyMD/BodyHTML are those of the current revision.
	Title    string `bun:"title"`
	BodyMD   string `bun:"body_md"`
	BodyHTML string `bun:"body_html"`
	// CurrentRevisionID is the newest revision; updates must name it as their base.
	CurrentRevisionID int64 `bun:"current_revision_id"`
	// PublishedRevisionID is what readers get; 0 when the article is not live.
	PublishedRevisionID int64 `bun:"published_revision_id"`
	// PublishAt and ScheduledRevisionID describe a pending scheduled publication.
	PublishAt           *time.Time `bun:"publish_at"`
	ScheduledRevisionID int64      `bun:"scheduled_revision_id"`
	PublishedAt         *time.Time `bun:"published_at"`
	AuthorID            int64      `bun:"author_id"`
	ExternalID          string     `bun:"external_id"`
	CreatedAt           time.Time  `bun:"created_at"`
	// UpdatedAt is the last change readers could see; EditedAt the last save of any kind.
	UpdatedAt time.Time `bun:"updated_at"`
	EditedAt  time.Time `bun:"edited_at"`
	// SourceTicketIDs are the support requests a FAQ was written from.
	SourceTicketIDs []int64 `bun:"source_ticket_ids,array"`
}

// Live reports whether readers can see the article.
func (a *ManagedArticle) Live() bool { return a.PublishedRevisionID != 0 }

// HasUnpublishedChanges reports whether the current revision differs from the
// published one (or the article has never been published).
func (a *ManagedArticle) HasUnpublishedChanges() bool {
	return a.CurrentRevisionID != a.PublishedRevisionID
}

// Revision is one saved version of an article's title and body.
type Revision struct {
	ID         int64     `bun:"id"`
	ArticleID  int64     `bun:"article_id"`
	Number     int       `bun:"number"`
	Title      string    `bun:"title"`
	BodyMD     string    `bun:"body_md"`
	BodyHTML   string    `bun:"body_html"`
	AuthorID   int64     `bun:"author_id"`
	AuthorName string    `bun:"author_name"`
	CreatedAt  time.Time `bun:"created_at"`
}
