package content

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// Lists page by keyset: the cursor names the last row of the previous page by its sort
// key (a time and an id), so rows inserted meanwhile never shift or repeat a page.
// Cursors are opaque to clients: base64url of "<unix microseconds>.<id>".

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

type cursor struct {
	at time.Time
	id int64
}

func (c cursor) String() string {
	raw := strconv.FormatInt(c.at.UnixMicro(), 10) + "." + strconv.FormatInt(c.id, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseCursor(s string) (cursor, error) {
	bad := apperr.InvalidFields(apperr.Field("cursor", "Nieprawidłowy kursor stronicowania."))
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	at, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return cursor{}, bad
	}
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return cursor{}, bad
	}
	return cursor{at: time.UnixMicro(us).UTC(), id: n}, nil
}

// offsetCursor pages ranked results (search), whose order has no stable key.
func offsetCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(offset)))
}

func parseOffsetCursor(s string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && strings.HasPrefix(string(raw), "o") {
		if n, err := strconv.Atoi(string(raw[1:])); err == nil && n >= 0 && n <= 10000 {
			return n, nil
		}
	}
	return 0, apperr.InvalidFields(apperr.Field("cursor", "Nieprawidłowy kursor stronicowania."))
}

// checkLimit applies the default and the maximum page size.
func checkLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultLimit, nil
	case limit < 0 || limit > MaxLimit:
		return 0, apperr.InvalidFields(apperr.Field("limit", "Limit musi być liczbą od 1 do 100."))
	}
	return limit, nil
}
