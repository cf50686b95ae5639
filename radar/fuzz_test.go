package radar

import (
	"testing"
	"time"

	"relais/appointments"
)

// The radar index values round-trip: what appointmentValues writes,
// parseAppointmentValue reads back.
func TestIndexValuesRoundTrip(t *testing.T) {
	at := time.Date(2026, time.November, 2, 9, 30, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		a    appointments.Appointment
		want fact
		none bool
	}{
		"a no-show keeps its procedure": {
			a:    appointments.Appointment{Person: "p1", Centre: "c1", Mediator: "m1", Procedure: "caf-demande-rsa", Start: at, Status: appointments.Absent},
			want: fact{kind: factAbsent, at: at, person: "p1", centre: "c1", mediator: "m1", procedure: "caf-demande-rsa", id: "x"},
		},
		"a procedure holding a slash": {
			a:    appointments.Appointment{Person: "p1", Centre: "c1", Mediator: "m1", Procedure: "a/b", Start: at, Status: appointments.Absent},
			want: fact{kind: factAbsent, at: at, person: "p1", centre: "c1", mediator: "m1", procedure: "a/b", id: "x"},
		},
		"a visit without procedure": {
			a:    appointments.Appointment{Person: "p1", Centre: "c1", Mediator: "", Procedure: "css-demande", Start: at, Status: appointments.Seen},
			want: fact{kind: factSeen, at: at, person: "p1", centre: "c1", id: "x"},
		},
		"excused is not indexed":    {a: appointments.Appointment{Person: "p1", Start: at, Status: appointments.Excused}, none: true},
		"no person is not indexed":  {a: appointments.Appointment{Start: at, Status: appointments.Booked}, none: true},
		"a slash in an id is not":   {a: appointments.Appointment{Person: "p/1", Start: at, Status: appointments.Booked}, none: true},
		"a zero start is not":       {a: appointments.Appointment{Person: "p1", Status: appointments.Booked}, none: true},
		"an unknown status is not":  {a: appointments.Appointment{Person: "p1", Start: at, Status: "lost"}, none: true},
		"a start before 1970 reads": {a: appointments.Appointment{Person: "p1", Start: time.Unix(-5, 0), Status: appointments.Booked}, want: fact{kind: factBooked, at: time.Unix(0, 0).UTC(), person: "p1", id: "x"}},
	} {
		t.Run(name, func(t *testing.T) {
			vs := appointmentValues(tc.a)
			if tc.none {
				if len(vs) != 0 {
					t.Fatalf("appointmentValues = %q, want none", vs)
				}
				return
			}
			if len(vs) != 1 {
				t.Fatalf("appointmentValues = %q", vs)
			}
			got, ok := parseAppointmentValue(vs[0], "x")
			if !ok || got != tc.want {
				t.Errorf("parseAppointmentValue(%q) = %+v, %v, want %+v", vs[0], got, ok, tc.want)
			}
			when := appointmentWhenValues(tc.a)
			if len(when) != 1 {
				t.Fatalf("appointmentWhenValues = %q", when)
			}
			kind, at, person, ok := parseWhenValue(when[0])
			if !ok || kind != tc.want.kind || !at.Equal(tc.want.at) || person != tc.want.person {
				t.Errorf("parseWhenValue(%q) = %c %v %q %v", when[0], kind, at, person, ok)
			}
		})
	}
	w := appointments.WalkIn{Centre: "c1", Person: "p1", Mediator: "m1", Arrived: at}
	vs := walkInValues(w)
	if got, ok := parseWalkInValue(vs[0], "w"); !ok || got != (fact{kind: factWalkIn, at: at, person: "p1", centre: "c1", mediator: "m1", id: "w"}) {
		t.Errorf("parseWalkInValue(%q) = %+v, %v", vs[0], got, ok)
	}
	if vs := walkInValues(appointments.WalkIn{FirstName: "Awa", Arrived: at}); len(vs) != 0 {
		t.Errorf("a walk-in without a person file is indexed: %q", vs)
	}
}

// Index values are computed from records a partner may have written:
// reading them back never panics, and what is accepted is well formed.
func FuzzParseIndexValue(f *testing.F) {
	at := time.Date(2026, time.November, 2, 9, 30, 0, 0, time.UTC)
	for _, s := range allStatusesForFuzz {
		a := appointments.Appointment{Person: "p", Centre: "c", Mediator: "m", Procedure: "x/y", Start: at, Status: s}
		for _, v := range append(appointmentValues(a), appointmentWhenValues(a)...) {
			f.Add(v)
		}
	}
	f.Add(walkInValues(appointments.WalkIn{Person: "p", Centre: "c", Arrived: at})[0])
	f.Add("a/")
	f.Add("a/123456789/")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		if fa, ok := parseAppointmentValue(v, "id"); ok && fa.person == "" {
			t.Errorf("parseAppointmentValue(%q) accepted %+v", v, fa)
		}
		if fw, ok := parseWalkInValue(v, "id"); ok && fw.person == "" {
			t.Errorf("parseWalkInValue(%q) accepted %+v", v, fw)
		}
		if kind, _, person, ok := parseWhenValue(v); ok && (person == "" || !validKind(kind)) {
			t.Errorf("parseWhenValue(%q) accepted %c %q", v, kind, person)
		}
	})
}

var allStatusesForFuzz = []appointments.Status{appointments.Booked, appointments.Arrived, appointments.Seen,
	appointments.Absent, appointments.Excused, appointments.Cancelled}
