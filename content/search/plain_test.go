package search

import "testing"

func TestPlainText(t *testing.T) {
	md := "Wstęp z **pogrubieniem** i [linkiem](/articles/reset-hasla).\n\n## Jak to zrobić\n\n1. Otwórz `Ustawienia → KSeF`.\n2. Kliknij <b>Zapisz</b>.\n\n| Plan | Cena |\n|---|---|\n| Start | 49 zł |\n\n```\nkod\n```\n"
	plain, heads := PlainText(md)
	want := "Wstęp z pogrubieniem i linkiem.\nJak to zrobić\nOtwórz Ustawienia → KSeF.\nKliknij Zapisz.\nPlan Cena\nStart 49 zł\nkod"
	if plain != want {
		t.Errorf("plain =\n%q\nwant\n%q", plain, want)
	}
	if heads != "Jak to zrobić" {
		t.Errorf("headings = %q", heads)
	}
}
