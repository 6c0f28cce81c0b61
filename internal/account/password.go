package account

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// Password hashing: argon2id (RFC 9106) stored in the PHC string format
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, so parameters can be raised
// later: a hash made with older parameters still verifies and is replaced at the next
// successful sign-in.
//
// Production parameters: m = 64 MiB, t = 2 passes, p = 2 lanes, 16-byte salt, 32-byte key.
// That is above the RFC 9106 "second recommended option" in memory and costs roughly
// 0.1-0.3 s on one core here, which slows an offline guess on a stolen table to a crawl
// while a person signing in barely notices. At most four hashes run at once, so a burst
// of sign-ins cannot take more than 256 MiB. Tests use m = 64 KiB, t = 1, p = 1.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

var (
	productionParams = argonParams{memory: 64 * 1024, time: 2, threads: 2}
	fastParams       = argonParams{memory: 64, time: 1, threads: 1}
)

const (
	saltLen = 16
	keyLen  = 32
)

type hasher struct {
	params argonParams
	slots  chan struct{} // bounds concurrent hashing (memory)
}

func newHasher(fast bool) *hasher {
	p := productionParams
	if fast {
		p = fastParams
	}
	return &hasher{params: p, slots: make(chan struct{}, 4)}
}

func (h *hasher) hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	h.slots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, h.params.time, h.params.memory, h.params.threads, keyLen)
	<-h.slots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.params.memory, h.params.time,
		h.params.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("account: malformed password hash")

// verify reports whether password matches encoded, and whether the hash was made with
// other parameters than the current ones (and should be replaced).
func (h *hasher) verify(encoded, password string) (ok, stale bool, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, errBadHash
	}
	var p argonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil ||
		p.memory == 0 || p.time == 0 || p.threads == 0 || p.memory > 1<<22 || p.time > 64 {
		return false, false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, false, errBadHash
	}
	h.slots <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(want)))
	<-h.slots
	return subtle.ConstantTimeCompare(got, want) == 1, p != h.params, nil
}

// MinPasswordLength is the shortest password accepted (in characters).
const MinPasswordLength = 10

// maxPasswordLength keeps hashing cheap to start; nobody types more.
const maxPasswordLength = 256

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords holds well-known passwords of at least MinPasswordLength characters
// (shorter ones fail the length rule anyway), lower-cased: leaked-password top lists and
// Polish favourites such as "zaq12wsxcde" or "polska12345".
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// CheckPassword applies the password rules for the owner of email (and name): at least
// 10 characters, not the address or its part before @, not the name, not one character
// repeated, not on the list of common passwords. It returns an Invalid error naming the
// field "password" with a message that says what to change.
func CheckPassword(password, email, name string) error {
	field := func(msg string) error { return apperr.InvalidFields(apperr.Field("password", msg)) }
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return field(fmt.Sprintf("Hasło musi mieć co najmniej %d znaków (ma %d).", MinPasswordLength, n))
	}
	if n > maxPasswordLength {
		return field(fmt.Sprintf("Hasło może mieć najwyżej %d znaków.", maxPasswordLength))
	}
	lower := strings.ToLower(strings.TrimSpace(password))
	email = strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(email, "@")
	if email != "" && (lower == email || lower == local || strings.Contains(lower, email)) {
		return field("Hasło nie może być adresem e-mail ani jego częścią przed znakiem @.")
	}
	if nm := strings.ToLower(strings.Join(strings.Fields(name), "")); nm != "" && strings.ReplaceAll(lower, " ", "") == nm {
		return field("Hasło nie może być Twoim imieniem i nazwiskiem.")
	}
	if first, _ := utf8.DecodeRuneInString(lower); strings.Count(lower, string(first)) == utf8.RuneCountInString(lower) {
		return field("Hasło nie może składać się z jednego powtórzonego znaku.")
	}
	if commonPasswords[lower] {
		return field("To hasło jest na liście najczęściej używanych haseł. Wybierz inne, trudniejsze do odgadnięcia.")
	}
	return nil
}

// randomToken returns 32 random bytes, base64url-encoded (43 characters).
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's random source failing is not survivable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
