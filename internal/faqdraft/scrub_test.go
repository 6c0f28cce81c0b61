package faqdraft

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScrub(t *testing.T) {
	tests := []struct {
		name  string
		known []string
		in    string
		want  string
	}{
		// Salutations, greetings and signatures.
		{
			name: "staff salutation and signature with contact data",
			in:   "Pani Marto,\n\nDziękuję za wiadomość. Link jest ważny 60 minut.\n\nPozdrawiam,\nEwelina Dudek\nZespół wsparcia DokuBiuro\newelina.dudek@dokubiuro.example | +48 604 567 890",
			want: "Dziękuję za wiadomość. Link jest ważny 60 minut.",
		},
		{
			name: "greeting with a name",
			in:   "Dzień dobry Pani Anno,\n\nKorekta nie jest jeszcze dostępna.",
			want: "Korekta nie jest jeszcze dostępna.",
		},
		{
			name: "vocative salutation of a man",
			in:   "Panie Tomaszu,\nproszę kliknąć Bank → Paruj ponownie.",
			want: "proszę kliknąć Bank → Paruj ponownie.",
		},
		{
			name: "greeting glued to the question, closing, name, company and phone",
			in:   "witam, nie moge polaczyc z ksefem, blad autoryzacji.\n\nPozdrawiam serdecznie\nIwona Michalska\nAmortyzacja Biuro Rachunkowe\ntel. +48 532 191 079",
			want: "Nie moge polaczyc z ksefem, blad autoryzacji.",
		},
		{
			name: "stacked greetings",
			in:   "witam,\n\nSzanowni Państwo, proszę o informację, jak odzyskać dostęp do konta.\n\nDzięki",
			want: "Proszę o informację, jak odzyskać dostęp do konta.",
		},
		{
			name: "first name alone at the end",
			in:   "Hej,\n\nJak przywrócić usunięty dokument?\n\nJakub",
			want: "Jak przywrócić usunięty dokument?",
		},
		{
			name: "name and company without a closing",
			in:   "Wgrałam 12 faktur do złej firmy. Jak je przenieść?\n\nNatalia Górska\nHurtownia Budowlana Dach-Bud sp. z o.o.\ntel. 709 369 977",
			want: "Wgrałam 12 faktur do złej firmy. Jak je przenieść?",
		},
		{
			name: "plea for a quick answer before the closing",
			in:   "Czy link resetujący ma ważność?\n\nProszę o szybką odpowiedź.\nPozdrawiam\nKarolina",
			want: "Czy link resetujący ma ważność?",
		},
		// E-mail addresses and phone numbers.
		{
			name: "e-mail address in a sentence",
			in:   "Konto jest założone na adres jan.kowalski@example.com, proszę sprawdzić skrzynkę.",
			want: "Konto jest założone na adres [e-mail], proszę sprawdzić skrzynkę.",
		},
		{
			name: "obfuscated e-mail address",
			in:   "Piszę w sprawie konta jan.kowalski [at] example.com i faktur.",
			want: "Piszę w sprawie konta [e-mail] i faktur.",
		},
		{
			name: "phone numbers in every usual shape",
			in:   "Numery: +48 600 123 456; 600-123-456; (22) 123 45 67; 600123456; +48600123456; 0048 600 123 456; 22 123 45 67.",
			want: "Numery: [telefon]; [telefon]; [telefon]; [telefon]; [telefon]; [telefon]; [telefon].",
		},
		{
			name: "contact sentences of the agent are dropped whole",
			in:   "Hasło można zmienić w profilu. Jeśli wolałaby Pani omówić to telefonicznie, proszę dzwonić bezpośrednio do mnie: +48 604 567 890.\n\nKopię odpowiedzi wysłałam również na adres anna.malinowska@example.pl.",
			want: "Hasło można zmienić w profilu.",
		},
		{
			name: "the agent's note on the customer's account is dropped",
			in:   "Dziękuję za pytanie. Sprawdziłem konto firmy Kwadrat Biuro Rachunkowe (NIP 392-50-75-327). Eksport EPP działa dla obu programów.",
			want: "Dziękuję za pytanie. Eksport EPP działa dla obu programów.",
		},
		// Tax ids, personal ids, accounts.
		{
			name: "NIP with and without dashes, with a label and a country prefix",
			in:   "Faktura na spółkę (NIP 526-104-08-28) i na działalność NIP: 7251801126, UE: NIP PL5213017228; sam numer 1234563218 też.",
			want: "Faktura na spółkę ([NIP]) i na działalność [NIP], UE: [NIP]; sam numer [NIP] też.",
		},
		{
			name: "NIP written with spaces",
			in:   "Faktura na spółkę z NIP 526 104 08 28 trafiła do KSeF.",
			want: "Faktura na spółkę z [NIP] trafiła do KSeF.",
		},
		{
			name: "ten digits with a wrong check digit and no label are still removed",
			in:   "Numer 1234567890 podała klientka.",
			want: "Numer [numer] podała klientka.",
		},
		{
			name: "PESEL with and without a label",
			in:   "Klientka podała PESEL: 44051401359, a dla dziecka 02070803628 – oba trzeba usunąć.",
			want: "Klientka podała [PESEL], a dla dziecka [PESEL] – oba trzeba usunąć.",
		},
		{
			name: "account numbers with and without PL and spaces",
			in:   "Przelew z PL61 1090 1014 0000 0712 1981 2874 na 27114020040000300201355387 oraz nr konta 61 1090 1014 0000 0712 1981 2874.",
			want: "Przelew z [numer konta] na [numer konta] oraz [numer konta].",
		},
		// Addresses.
		{
			name: "street address with postal code and town",
			in:   "Nowy adres firmy: ul. Marszałkowska 10/12, 00-950 Warszawa. Proszę zmienić dane.",
			want: "Nowy adres firmy: [adres]. Proszę zmienić dane.",
		},
		{
			name: "avenue and square",
			in:   "Biuro przeniosło się z al. Jerozolimskie 100 lok. 5 na pl. Bankowy 2.",
			want: "Biuro przeniosło się z [adres] na [adres].",
		},
		// Known names and companies.
		{
			name:  "known name in another case and without diacritics, known company",
			known: []string{"Marta Kowalczyk", "Biuro Rachunkowe Bilans s.c."},
			in:    "Rozmawiałem z Martą. Marty Kowalczyk nie było, a Biuro Rachunkowe Bilans potwierdziło zmianę; marta kowalczyk oddzwoni.",
			want:  "Rozmawiałem z [imię i nazwisko]. [imię i nazwisko] nie było, a [nazwa firmy] potwierdziło zmianę; [imię i nazwisko] oddzwoni.",
		},
		{
			name:  "words of a company name alone are ordinary words",
			known: []string{"Biuro Rachunkowe Bilans s.c."},
			in:    "Biuro rachunkowe widzi bilans w zakładce Raporty.",
			want:  "Biuro rachunkowe widzi bilans w zakładce Raporty.",
		},
		{
			name: "a company found by its legal form",
			in:   "Pracuję w biurze Audyt-Księgowość sp. j.. Faktury wystawia Transport Kowalczyk sp. z o.o., a księgi prowadzi Biuro Rachunkowe Bilans s.c. Przekształciliśmy JDG w spółkę z o.o.",
			want: "Pracuję w biurze [nazwa firmy]. Faktury wystawia [nazwa firmy], a księgi prowadzi [nazwa firmy]. Przekształciliśmy JDG w spółkę z o.o.",
		},
		{
			name: "a name after Pan, Pani or p.",
			in:   "Pani Ania zapomniała hasła. Administratorem jest p. Nowak, może potwierdzić.",
			want: "Pani [imię i nazwisko] zapomniała hasła. Administratorem jest p. [imię i nazwisko], może potwierdzić.",
		},
		// Links.
		{
			name: "help center article links become relative",
			in:   "Instrukcja: https://pomoc.dokubiuro.example/articles/reset-hasla\n\nWięcej w [artykule](https://pomoc.dokubiuro.example/articles/polaczenie-z-ksef).",
			want: "Instrukcja: /articles/reset-hasla\n\nWięcej w [artykule](/articles/polaczenie-z-ksef).",
		},
		{
			name: "links with personal data go, public links stay",
			in:   "Plik: https://drive.example.com/file/d/1AbCdEfGhIjKlMnOp/view, logowanie https://app.example.com/login?email=jan%40example.com, zasady https://www.podatki.gov.pl/ksef/ i phishing hxxp://weryfikacja-poczty.example/login.",
			want: "Plik: [link], logowanie [link], zasady https://www.podatki.gov.pl/ksef/ i phishing [link].",
		},
		// Helpful content stays.
		{
			name: "steps, UI paths, amounts, codes and dates stay",
			in:   "1. Wejdź w Ustawienia → Integracje → KSeF.\n2. Wklej token i kliknij Połącz.\nLimit to 600 żądań na minutę (kod 429), szkolenie kosztuje 590 zł netto, prowizje do 20. dnia miesiąca, dokument DB-32172, JPK_V7 za 2025 r., 10 000 zł.",
			want: "1. Wejdź w Ustawienia → Integracje → KSeF.\n2. Wklej token i kliknij Połącz.\nLimit to 600 żądań na minutę (kod 429), szkolenie kosztuje 590 zł netto, prowizje do 20. dnia miesiąca, dokument DB-32172, JPK_V7 za 2025 r., 10 000 zł.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Scrub(tt.in, tt.known)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scrub (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScrubArticleHosts(t *testing.T) {
	s := NewScrubber(nil, "pomoc.dokubiuro.example")
	in := "Zobacz https://pomoc.dokubiuro.example/articles/reset-hasla oraz https://blog.example.com/articles/jak-wystawic-fakture"
	want := "Zobacz /articles/reset-hasla oraz https://blog.example.com/articles/jak-wystawic-fakture"
	if diff := cmp.Diff(want, s.Scrub(in)); diff != "" {
		t.Errorf("Scrub (-want +got):\n%s", diff)
	}
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"NIP valid", ValidNIP, "5261040828", true},
		{"NIP wrong check digit", ValidNIP, "5261040829", false},
		{"NIP too short", ValidNIP, "526104082", false},
		{"PESEL valid", ValidPESEL, "44051401359", true},
		{"PESEL wrong check digit", ValidPESEL, "44051401358", false},
		{"IBAN valid with PL and spaces", ValidIBAN, "PL61 1090 1014 0000 0712 1981 2874", true},
		{"NRB valid without PL", ValidIBAN, "27114020040000300201355387", true},
		{"IBAN wrong checksum", ValidIBAN, "PL61 1090 1014 0000 0712 1981 2875", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("%s(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
			}
		})
	}
}
