package appointments_test

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"relais/appointments"
)

func TestNextFreeSlots(t *testing.T) {
	f := newFixture(t)
	// Camille is busy all Monday morning; Yanis does not work on Mondays.
	must(f.s.Book(f.booking(f.camille, paris(2026, time.November, 23, 9, 0), 180)))
	type want struct {
		start    time.Time
		mediator string
	}
	tests := []struct {
		name      string
		procedure string // 15 min for ameli-attestation-droits, 30 for caf-declaration-trimestrielle
		from      time.Time
		n         int
		want      []want
	}{
		{"existing bookings fill the morning", "caf-declaration-trimestrielle", paris(2026, time.November, 23, 8, 0), 2,
			[]want{{paris(2026, time.November, 23, 13, 30), f.camille}, {paris(2026, time.November, 23, 13, 45), f.camille}}},
		{"lunch break is skipped", "ameli-attestation-droits", paris(2026, time.November, 24, 11, 30), 4,
			[]want{{paris(2026, time.November, 24, 11, 30), f.camille}, {paris(2026, time.November, 24, 11, 45), f.camille},
				{paris(2026, time.November, 24, 13, 30), f.camille}, {paris(2026, time.November, 24, 13, 45), f.camille}}},
		{"a slot must end before closing", "caf-aide-logement", paris(2026, time.November, 24, 16, 45), 1,
			[]want{{paris(2026, time.November, 25, 9, 0), ""}}},
		{"quarter hours", "caf-declaration-trimestrielle", paris(2026, time.November, 24, 9, 7), 1,
			[]want{{paris(2026, time.November, 24, 9, 15), f.camille}}},
		{"absence then closure day then weekend", "caf-declaration-trimestrielle", paris(2026, time.November, 26, 12, 0), 1,
			[]want{{paris(2026, time.November, 30, 9, 0), f.camille}}},
		{"never in the past", "caf-declaration-trimestrielle", paris(2026, time.November, 1, 9, 0), 1,
			[]want{{paris(2026, time.November, 23, 13, 30), f.camille}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := must(f.s.NextFreeSlots(tc.procedure, f.centre, tc.from, tc.n))
			if len(got) != len(tc.want) {
				t.Fatalf("NextFreeSlots = %v, want %v", got, tc.want)
			}
			for i, w := range tc.want {
				if !got[i].Start.Equal(w.start) || (w.mediator != "" && got[i].Mediator != w.mediator) {
					t.Errorf("slot %d = %v with %s, want %v with %s", i, got[i].Start.In(appointments.Paris), got[i].Mediator, w.start, w.mediator)
				}
			}
		})
	}
	// The mediator with the fewest appointments that day gets the slot.
	must(f.s.Book(f.booking(f.camille, paris(2026, time.November, 24, 14, 0), 30)))
	got := must(f.s.NextFreeSlots("caf-declaration-trimestrielle", f.centre, paris(2026, time.November, 24, 9, 0), 1))
	if len(got) != 1 || got[0].Mediator != f.yanis {
		t.Errorf("on Tuesday 9:00 = %v, want Yanis (no appointment yet)", got)
	}
	// The first proposed slot can always be booked, again and again.
	for range 30 {
		s := must(f.s.NextFreeSlots("caf-aide-logement", f.centre, f.now, 1))[0]
		b := f.booking(s.Mediator, s.Start, 60)
		b.Procedure = "caf-aide-logement"
		must(f.s.Book(b))
	}
	if _, err := f.s.NextFreeSlots("nope", f.centre, f.now, 1); !errors.Is(err, appointments.ErrUnknownProcedure) {
		t.Errorf("NextFreeSlots(unknown) = %v", err)
	}
}

func TestCatalogue(t *testing.T) {
	cat := appointments.Catalogue()
	if len(cat) < 22 {
		t.Fatalf("Catalogue has %d procedures, want at least 22", len(cat))
	}
	codes, guides := map[string]bool{}, map[string]bool{}
	for _, p := range cat {
		if p.Code == "" || codes[p.Code] {
			t.Errorf("code %q is empty or repeated", p.Code)
		}
		codes[p.Code] = true
		if guides[p.Guide] || p.Guide == "" {
			t.Errorf("%s: guide %q is empty or repeated", p.Code, p.Guide)
		}
		guides[p.Guide] = true
		if p.Title == "" || p.Organisation == "" {
			t.Errorf("%s: title or organisation missing", p.Code)
		}
		if p.Minutes <= 0 || p.Minutes > appointments.MaxMinutes {
			t.Errorf("%s: %d minutes", p.Code, p.Minutes)
		}
		if u, err := url.Parse(p.Site); err != nil || u.Scheme != "https" || u.Host == "" {
			t.Errorf("%s: site %q is not an https address", p.Code, p.Site)
		}
		if len(p.Documents) == 0 {
			t.Errorf("%s: no documents to bring", p.Code)
		}
		for _, d := range p.Documents {
			if d == "" {
				t.Errorf("%s: an empty document", p.Code)
			}
		}
		if got, err := appointments.FindProcedure(p.Code); err != nil || got.Title != p.Title {
			t.Errorf("FindProcedure(%s) = %v, %v", p.Code, got, err)
		}
	}
	for _, code := range []string{"caf-declaration-trimestrielle", "caf-aide-logement", "impots-declaration-revenus",
		"impots-espace-particulier", "ameli-creer-compte", "ameli-attestation-droits", "css-demande",
		"france-travail-inscription", "france-travail-actualisation", "ants-cni-predemande", "ants-permis-conduire",
		"ants-carte-grise", "anef-titre-sejour", "mdph-demande", "retraite-demande", "cheque-energie",
		"logement-social-demande", "franceconnect-creer-compte", "email-creer-adresse", "msa-espace-prive"} {
		if !codes[code] {
			t.Errorf("the catalogue lacks %s", code)
		}
	}
}
