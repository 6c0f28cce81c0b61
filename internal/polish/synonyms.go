package polish

import (
	"bufio"
	"fmt"
	"strings"
)

// DefaultSynonyms are groups of words and phrases that customers and articles use for the
// same thing in Polish accounting software. They are general domain vocabulary; the
// staff-edited list (WithSynonyms) adds a help center's own words.
var DefaultSynonyms = [][]string{
	{"korekta", "faktura korygująca", "korygująca"},
	{"proforma", "pro forma", "faktura proforma"},
	{"faktura zaliczkowa", "zaliczka"},
	{"faktura kosztowa", "faktura zakupowa", "dokument kosztowy"},
	{"faktura sprzedaży", "faktura sprzedażowa"},
	{"e-faktura", "faktura ustrukturyzowana", "ksef", "krajowy system e-faktur"},
	{"jpk", "jednolity plik kontrolny"},
	{"mpp", "podzielona płatność", "split payment"},
	{"upo", "urzędowe poświadczenie odbioru"},
	{"optima", "comarch erp optima", "comarch optima"},
	{"symfonia", "sage symfonia"},
	{"enova", "enova365"},
	{"subiekt", "subiekt gt"},
	{"rewizor", "rewizor gt"},
	{"sap", "sap business one"},
	{"rodo", "gdpr", "ochrona danych osobowych"},
	{"dpa", "umowa powierzenia"},
	{"2fa", "weryfikacja dwuetapowa", "uwierzytelnianie dwuskładnikowe", "weryfikacja dwuskładnikowa", "logowanie dwuetapowe"},
	{"sso", "logowanie przez google", "logowanie przez microsoft"},
	{"e-mail", "email", "mail", "poczta"},
	{"hasło", "password"},
	{"reset hasła", "zapomniane hasło", "przypomnienie hasła", "nowe hasło"},
	{"logowanie", "login", "zalogować"},
	{"abonament", "subskrypcja"},
	{"cennik", "ceny", "cena"},
	{"usunąć", "skasować", "wykasować"},
	{"przywrócić", "odzyskać"},
	{"zdjęcie", "fotografia", "fotka"},
	{"aplikacja mobilna", "telefon", "smartfon", "komórka"},
	{"wyciąg bankowy", "wyciąg", "historia rachunku"},
	{"płatność", "zapłata", "przelew"},
	{"parowanie", "dopasowanie", "rozliczenie"},
	{"rachunek bankowy", "konto bankowe", "numer konta"},
	{"biuro rachunkowe", "księgowa", "księgowy", "księgowość"},
	{"kontrahent", "dostawca", "nabywca"},
	{"wypowiedzenie", "rezygnacja", "anulowanie"},
	{"zwrot", "refundacja", "zwrot pieniędzy"},
	{"zastępstwo", "urlop", "nieobecność"},
	{"wylogowanie", "sesja"},
	{"ocr", "rozpoznawanie tekstu", "odczyt"},
	{"eksport", "export", "wysyłka do programu"},
	{"import", "wczytanie"},
	{"api", "interfejs programistyczny"},
	{"klucz api", "token api"},
	{"okres próbny", "wersja testowa", "za darmo"},
	{"uprawnienia", "dostęp", "prawa dostępu"},
	{"użytkownik", "pracownik", "osoba"},
	{"kurs", "kurs walut", "kurs nbp"},
	{"waluta", "euro", "eur", "usd", "dolar"},
	{"nip", "numer identyfikacji podatkowej"},
}

// Synonyms is an immutable set of synonym groups, matched on the analyzer's terms so that
// every inflected form of a listed word or phrase triggers its group.
type Synonyms struct {
	groups [][]string
}

// With returns a new set that holds s's groups and the given ones.
func (s *Synonyms) With(groups [][]string) *Synonyms {
	out := &Synonyms{}
	if s != nil {
		out.groups = append(out.groups, s.groups...)
	}
	for _, g := range groups {
		var clean []string
		for _, p := range g {
			if p = strings.TrimSpace(p); p != "" {
				clean = append(clean, p)
			}
		}
		if len(clean) > 1 {
			out.groups = append(out.groups, clean)
		}
	}
	return out
}

// Groups returns the synonym groups.
func (s *Synonyms) Groups() [][]string {
	if s == nil {
		return nil
	}
	return s.groups
}

// ParseSynonyms reads the staff-edited synonym list: one group per line, words or phrases
// separated by commas; empty lines and lines starting with # are ignored. A line with a
// single phrase is an error because it would mean nothing.
func ParseSynonyms(text string) ([][]string, error) {
	var groups [][]string
	sc := bufio.NewScanner(strings.NewReader(text))
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		var g []string
		for _, p := range strings.Split(l, ",") {
			if p = strings.Join(strings.Fields(p), " "); p != "" {
				g = append(g, p)
			}
		}
		if len(g) < 2 {
			return nil, fmt.Errorf("line %d: a synonym group needs at least two words or phrases separated by commas", line)
		}
		groups = append(groups, g)
	}
	return groups, sc.Err()
}
