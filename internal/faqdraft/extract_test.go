package faqdraft

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/polish"
)

// TestBuildDraftFromSeedTickets extracts question and answer from real seed tickets.
func TestBuildDraftFromSeedTickets(t *testing.T) {
	tickets, _, _ := loadSeed(t)
	byID := seedByID(tickets)
	restoreAnswer := "Usunięte dokumenty znikają z listy, ale przez 30 dni od usunięcia przechowujemy je w koszu systemowym. Kosz nie jest dostępny z poziomu aplikacji, dlatego przywrócenie wykonuje pomoc techniczna. Proszę podać nazwę firmy, przybliżoną datę usunięcia oraz – jeśli to możliwe – numery dokumentów lub nazwy kontrahentów. Przywrócone dokumenty wrócą na listę z poprzednim statusem i opisem.\n\n" +
		"Dokumenty usunięte dawniej niż 30 dni temu możemy odtworzyć z kopii zapasowej – do 90 dni od usunięcia; trwa to do 3 dni roboczych. Po 90 dniach odzyskanie nie jest już możliwe."
	tests := []struct {
		name string
		ids  []int64
		want Draft
	}{
		{
			// A web-form question with the requester's first name as the last line; the
			// answer loses "Panie Jakubie,", the thanks, "W razie pytań…" and the signature,
			// and the article link becomes relative.
			name: "question from the body, answer with a link",
			ids:  []int64{1},
			want: Draft{
				Title:              "Zmieniłem kwotę w fakturze cyklicznej, a wystawiona faktura ma starą kwotę – czemu?",
				BodyMarkdown:       "Najczęstsze przyczyny: włączona opcja szkicu (faktura czeka na zatwierdzenie w zakładce Szkice), data zakończenia harmonogramu już minęła, nabywca ma nieaktywny NIP albo abonament był nieopłacony w dniu wystawienia. Po usunięciu przyczyny wystarczy kliknąć „Wystaw zaległe” na karcie faktury cyklicznej. Zmiana pozycji dotyczy tylko faktur wystawianych od momentu zmiany – już wystawione pozostają bez zmian.\n\nWięcej: [/articles/faktury-cykliczne](/articles/faktury-cykliczne)",
				SuggestedAudiences: []string{"office_client"},
				SourceTicketIDs:    []int64{1},
				AnswerTicketIDs:    []int64{1},
				Tags:               []string{"faktura", "cykliczne", "kwotę", "zmieniłem"},
			},
		},
		{
			// The agent named the partner's company with its NIP and offered a direct phone
			// line: both sentences go.
			name: "agent's note with NIP and phone offer removed",
			ids:  []int64{3},
			want: Draft{
				Title:              "Czy możemy dostać prezentację DokuBiuro z naszym logo na targi?",
				BodyMarkdown:       "Personalizację materiałów (co-branding) mogą zamówić Partnerzy Złoci i Platynowi w zakładce Materiały → Zamów personalizację; realizacja trwa około 10 dni roboczych, więc przy targach warto zamówić z wyprzedzeniem.\n\nWięcej: [/articles/materialy-marketingowe](/articles/materialy-marketingowe)",
				SuggestedAudiences: []string{"partner"},
				SourceTicketIDs:    []int64{3},
				AnswerTicketIDs:    []int64{3},
				Tags:               []string{"logo", "materiały", "partnera", "możemy"},
			},
		},
		{
			// The question "Czy jest opcja odzyskania?" needs the sentence before it.
			name: "short question joined with its context",
			ids:  []int64{19},
			want: Draft{
				Title:              "Nasza asystentka usunęła dokumenty klienta zamiast je zarchiwizować – czy jest opcja odzyskania?",
				BodyMarkdown:       restoreAnswer,
				SuggestedAudiences: []string{"accountant"},
				SourceTicketIDs:    []int64{19},
				AnswerTicketIDs:    []int64{19},
				Tags:               []string{"przywrocenie", "skasowanej", "faktury", "asystentka"},
			},
		},
		{
			// The only reply asks for the company name and dates: not an answer.
			name: "a request for more information is not an answer",
			ids:  []int64{2},
			want: Draft{
				Title:              "Jak przywrócić usunięęty doukment?",
				SuggestedAudiences: []string{"office_client"},
				SourceTicketIDs:    []int64{2},
				Tags:               []string{"przywrocenie", "skasowanej", "faktury", "przywrócić"},
			},
		},
		{
			// The first reply asks for details; the second changed the account type (an
			// action for this customer, left out) and explains why it happens.
			name: "answer from the later reply, without the agent's action",
			ids:  []int64{28},
			want: Draft{
				Title:              "Koleżanka widzi artykuły o panelu biura, a ja nie, choć pracujemy w tym samym biurze – dlaczego?",
				BodyMarkdown:       "Typ konta ustawiamy automatycznie na podstawie konta w aplikacji, ale gdy ktoś zarejestruje się w Centrum Pomocy osobno (np. wysyłając do nas e-mail), typ może nie zostać rozpoznany.\n\nWięcej: [/articles/typy-kont-centrum-pomocy](/articles/typy-kont-centrum-pomocy)",
				SuggestedAudiences: []string{"public"},
				SourceTicketIDs:    []int64{28},
				AnswerTicketIDs:    []int64{28},
				Tags:               []string{"biur", "centrum", "dostęp", "koleżanka"},
			},
		},
		{
			// "Proszę o propozycję 2–3 terminów." only makes sense in the ticket.
			name: "a request addressed to this customer leaves the answer",
			ids:  []int64{15},
			want: Draft{
				Title:              "Chcielibyśmy zorganizować szkolenie z DokuBiuro dla 8 osób z naszego biura – czy prowadzicie takie szkolenia online?",
				BodyMarkdown:       "Tak, prowadzimy szkolenia online dla biur (ok. 2 godziny, z częścią praktyczną na Państwa danych). Dla planu Biuro Pro jedno szkolenie w roku jest bezpłatne, w pozostałych planach koszt to 590 zł netto.",
				SuggestedAudiences: []string{"accountant"},
				SourceTicketIDs:    []int64{15},
				AnswerTicketIDs:    []int64{15},
				Tags:               []string{"szkolenie", "zespołu", "chcielibyśmy", "zorganizować"},
			},
		},
		{
			// The NIP in brackets goes from the title.
			name: "NIP removed from the question",
			ids:  []int64{65},
			want: Draft{
				Title:              "Faktura za abonament roczny jest wystawiona na działalność, a powinna na spółkę – jak to poprawić na przyszłość?",
				BodyMarkdown:       "Jeśli abonament opłaca biuro rachunkowe, faktury za DokuBiuro otrzymuje biuro, a nie Państwa firma – dlatego zakładka Abonament może być niewidoczna. W pozostałych przypadkach faktury pobierze administrator w Ustawienia → Abonament → Faktury i płatności. Do faktury z błędnymi danymi nabywcy wystawimy korektę – wystarczy podać jej numer; dane do kolejnych faktur pobieramy z Ustawienia → Firma. Od 2026 r. faktury za abonament wysyłamy również do KSeF.\n\nWięcej: [/articles/faktura-za-abonament](/articles/faktura-za-abonament)",
				SuggestedAudiences: []string{"accountant"},
				SourceTicketIDs:    []int64{65},
				AnswerTicketIDs:    []int64{65},
				Tags:               []string{"faktura", "abonament", "roczny", "wystawiona"},
			},
		},
		{
			// Four wordings of one question: the pending ticket's request for details is no
			// answer; the solved answers agree, so one of them is the body and nothing
			// repeats; requesters of several account types and none give "public".
			name: "several tickets merged",
			ids:  []int64{2, 19, 123, 166},
			want: Draft{
				Title:              "Czy dokumenty usunięte 2 miesiące temu da się jeszcze odzyskać?",
				BodyMarkdown:       restoreAnswer,
				SuggestedAudiences: []string{"public"},
				SourceTicketIDs:    []int64{2, 19, 123, 166},
				AnswerTicketIDs:    []int64{123},
				Tags:               []string{"przywrócenie", "dokumentów", "usunięte", "skasowanej"},
			},
		},
	}
	b := Builder{Terms: polish.Terms}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ts []Ticket
			for _, id := range tt.ids {
				ts = append(ts, byID[id])
			}
			got, err := b.Build(ts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("draft (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBuildDraftMergesDifferentAnswers: when answers differ, the one most tickets agree with
// leads, the others add only what is new, and answers of open tickets stay out while solved
// ones exist.
func TestBuildDraftMergesDifferentAnswers(t *testing.T) {
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	ticket := func(id int64, status, question, answer string) Ticket {
		return Ticket{ID: id, Subject: "KSeF", Body: question, Status: status, RequesterAccountType: "accountant", CreatedAt: at,
			Messages: []Message{
				{Author: AuthorRequester, Body: question, CreatedAt: at},
				{Author: AuthorStaff, Body: "Pani Anno,\n\n" + answer + "\n\nPozdrawiam,\nKatarzyna Lis\nZespół wsparcia DokuBiuro", CreatedAt: at.Add(time.Hour)},
			}}
	}
	connect := "Token generuje się w Aplikacji Podatnika KSeF, a potem wkleja w Ustawienia → Integracje → KSeF i klika Połącz.\n\nInstrukcja: https://pomoc.dokubiuro.example/articles/polaczenie-z-ksef"
	renew := "Token wprowadza się raz; po unieważnieniu w KSeF trzeba wygenerować nowy i wkleić go ponownie w tym samym miejscu ustawień integracji."
	tickets := []Ticket{
		ticket(1, "solved", "Jak połączyć DokuBiuro z KSeF?", connect),
		ticket(2, "solved", "Jak połączyć konto z KSeF?", connect),
		ticket(3, "solved", "Czy token KSeF trzeba odnawiać?", connect+"\n\n"+renew),
		ticket(4, "open", "KSeF – jak to połączyć?", "Zupełnie inna odpowiedź otwartego zgłoszenia, która nie powinna trafić do szkicu, bo są rozwiązane."),
	}
	got, err := Builder{Terms: polish.Terms}.Build(tickets)
	if err != nil {
		t.Fatal(err)
	}
	want := Draft{
		Title:              "Jak połączyć DokuBiuro z KSeF?",
		BodyMarkdown:       "Token generuje się w Aplikacji Podatnika KSeF, a potem wkleja w Ustawienia → Integracje → KSeF i klika Połącz.\n\n" + renew + "\n\nWięcej: [/articles/polaczenie-z-ksef](/articles/polaczenie-z-ksef)",
		SuggestedAudiences: []string{"accountant"},
		SourceTicketIDs:    []int64{1, 2, 3, 4},
		AnswerTicketIDs:    []int64{1, 3},
		Tags:               []string{"KSeF", "połączyć"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("draft (-want +got):\n%s", diff)
	}
}

// TestBuildDraftLeavesOutInternalNotesAndRequests checks what never becomes the answer.
func TestBuildDraftLeavesOutInternalNotesAndRequests(t *testing.T) {
	at := time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)
	tk := Ticket{
		ID: 7, Subject: "Limit OCR", Status: "solved", RequesterName: "Marek Kowalczyk", RequesterAccountType: "office_client",
		Body: "Dzień dobry,\n\nCzy niewykorzystany limit OCR przechodzi na kolejny miesiąc?\n\nPozdrawiam\nMarek Kowalczyk\nTransport Kowalczyk sp. z o.o.\ntel. +48 614 823 591",
		Messages: []Message{
			{Author: AuthorRequester, Body: "Czy niewykorzystany limit OCR przechodzi na kolejny miesiąc?", CreatedAt: at},
			{Author: AuthorStaff, Internal: true, Body: "Notatka: klient zalega z płatnością, Marek dzwonił dwa razy z numeru 614 823 591.", CreatedAt: at.Add(time.Minute)},
			{Author: AuthorStaff, Body: "Panie Marku,\n\nDziękuję za pytanie. Czy mógłby Pan przesłać nazwę firmy? Sprawdzam sprawę i wrócę z odpowiedzią najpóźniej jutro.\n\nPozdrawiam,\nPaweł Czajka\nZespół wsparcia DokuBiuro", CreatedAt: at.Add(time.Hour)},
			{Author: AuthorRequester, Body: "Transport Kowalczyk sp. z o.o., NIP 808-957-47-07.", CreatedAt: at.Add(2 * time.Hour)},
			{Author: AuthorStaff, Body: "Panie Marku,\n\nSprawdziłem konto firmy Transport Kowalczyk sp. z o.o. (NIP 808-957-47-07). Niewykorzystany limit OCR nie przechodzi na kolejny miesiąc. Faktury pobrane z KSeF nie zużywają limitu. W razie pytań jestem do dyspozycji.\n\nZ pozdrowieniami,\nPaweł Czajka\nZespół wsparcia DokuBiuro\ntel. +48 603 456 789", CreatedAt: at.Add(3 * time.Hour)},
		},
	}
	got, err := BuildDraft([]Ticket{tk})
	if err != nil {
		t.Fatal(err)
	}
	wantBody := "Niewykorzystany limit OCR nie przechodzi na kolejny miesiąc. Faktury pobrane z KSeF nie zużywają limitu."
	if diff := cmp.Diff(wantBody, got.BodyMarkdown); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"Notatka", "zalega", "Marek", "Kowalczyk", "Transport", "Czajka", "603", "614"} {
		if strings.Contains(got.Title+got.BodyMarkdown, bad) {
			t.Errorf("draft contains %q:\n%s\n%s", bad, got.Title, got.BodyMarkdown)
		}
	}
}

// TestQuestionTitles checks how a title is made from a subject and a first message.
func TestQuestionTitles(t *testing.T) {
	tests := []struct {
		name, subject, body, want string
	}{
		{"greeting, shouting and emoji go", "Pytanie", "Witam!!! jak zresetować hasło???? 😀🙏\n\nPozdrawiam\nJan", "Jak zresetować hasło?"},
		{"a problem statement becomes a question", "Pytanie", "Dzień dobry,\n\nEksport do Optimy nie działa od wczoraj.\n\nZ poważaniem\nAnna Nowak", "Co zrobić, gdy eksport do Optimy nie działa od wczoraj?"},
		{"a request becomes a question", "faktura", "Proszę o przesłanie faktury za październik.\n\nDzięki\nOla", "Czy mogę prosić o przesłanie faktury za październik?"},
		{"a bare why takes the sentence before", "Kwota", "Zmieniłem kwotę na fakturze cyklicznej. Czemu?", "Zmieniłem kwotę na fakturze cyklicznej – czemu?"},
		{"only a subject", "Faktura korygująca do zaliczki", "", "Faktura korygująca do zaliczki – jak to zrobić?"},
		{"a subject that asks, without reply prefixes", "RE: Fwd: Jak wystawić duplikat faktury?", "", "Jak wystawić duplikat faktury?"},
		{"personal data out of the title", "NIP", "Faktura ma zły NIP (NIP 526-104-08-28). Jak to poprawić?", "Faktura ma zły NIP – jak to poprawić?"},
		{"filler prefix and emoticon", "pilne", "PILNE: jak dodać token KSeF w aplikacji?!?! mam token w notatniku :(", "Jak dodać token KSeF w aplikacji?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := BuildDraft([]Ticket{{ID: 1, Subject: tt.subject, Body: tt.body}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, d.Title); diff != "" {
				t.Errorf("title (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildDraftWithoutTickets(t *testing.T) {
	_, err := BuildDraft(nil)
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("BuildDraft(nil) error = %v, want an invalid-input error", err)
	}
	want := []apperr.FieldError{{Field: "ticket_ids", Message: "Wybierz co najmniej jedno zgłoszenie."}}
	if diff := cmp.Diff(want, apperr.As(err).Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestSuggestAudiences(t *testing.T) {
	tests := []struct {
		name  string
		types []string
		want  []string
	}{
		{"one accountant", []string{"accountant"}, []string{"accountant"}},
		{"all office clients", []string{"office_client", "office_client", "office_client"}, []string{"office_client"}},
		{"partners and one without a type (3 of 4)", []string{"partner", "partner", "partner", ""}, []string{"partner"}},
		{"accountant and one without a type (1 of 2)", []string{"accountant", "none"}, []string{"public"}},
		{"different account types", []string{"accountant", "office_client", "accountant"}, []string{"signed_in"}},
		{"different types and one without", []string{"accountant", "office_client", ""}, []string{"public"}},
		{"nobody has a type", []string{"", "none"}, []string{"public"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SuggestAudiences(tt.types)); diff != "" {
				t.Errorf("SuggestAudiences(%q) (-want +got):\n%s", tt.types, diff)
			}
		})
	}
}

func TestKnownPersonalData(t *testing.T) {
	tk := Ticket{
		RequesterName: "Iwona Michalska",
		Body:          "Dzień dobry,\n\nCzy jest integracja z nexo?\n\nPozdrawiam serdecznie\nIwona Michalska\nAmortyzacja Biuro Rachunkowe\ntel. +48 532 191 079",
		Messages: []Message{
			{Author: AuthorRequester, Body: "Czy jest integracja z nexo?"},
			{Author: AuthorStaff, Body: "Pani Iwono,\n\nTak.\n\nPozdrawiam,\nPaweł Czajka\nZespół wsparcia DokuBiuro"},
		},
	}
	want := []string{"Iwona Michalska", "Iwona Michalska", "Amortyzacja Biuro Rachunkowe", "Iwono"}
	if diff := cmp.Diff(want, KnownPersonalData([]Ticket{tk})); diff != "" {
		t.Errorf("KnownPersonalData (-want +got):\n%s", diff)
	}
}
