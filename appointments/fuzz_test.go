package appointments_test

import (
	"testing"

	"relais/appointments"
)

// FuzzParseClock checks that whatever is typed in a time field is either
// refused or a time of day that reads back the same.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"9:30", "09:30", "13h30", "14h", "25:00", "12:75", "9", "midi", "-1:00", "12:5x", "23:59", "0:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := appointments.ParseClock(s)
		if err != nil {
			return
		}
		if c < 0 || c >= 24*60 {
			t.Fatalf("ParseClock(%q) = %d, outside a day", s, c)
		}
		if back, err := appointments.ParseClock(c.String()); err != nil || back != c {
			t.Fatalf("ParseClock(%q) = %v, which reads back as %v, %v", s, c, back, err)
		}
	})
}

// FuzzParseDay checks that a typed date is refused or a real day that prints back the same.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-11-21", "2026-02-30", "2026-13-01", "21/11/2026", "", "2028-02-29"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := appointments.ParseDay(s)
		if err != nil {
			return
		}
		if back, err := appointments.ParseDay(appointments.DayOf(d)); err != nil || !back.Equal(d) {
			t.Fatalf("ParseDay(%q) = %v, which reads back as %v, %v", s, d, back, err)
		}
	})
}
