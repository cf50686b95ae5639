package app

import (
	"bytes"
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"relais/network"
	"relais/report"
	"relais/rgpd"
)

// noticeSaveHook stands in for the save dialog in tests: it returns the
// path to write to ("" for a cancelled dialog).
var noticeSaveHook func(u *UI) string

// saveNotice asks where to save the information notice (« Notice
// d'information ») of this centre, writes it as a PDF in the language of
// the screens, and says where, over parent.
func (u *UI) saveNotice(parent fyne.Window) {
	n := u.notice()
	l := language()
	name := "notice-information.pdf"
	if l == English {
		name = "information-notice.pdf"
	}
	write := func(w io.WriteCloser, path string) {
		background(u, func() (string, error) {
			var buf bytes.Buffer
			err := report.NoticePDF(&buf, n, l)
			if err == nil {
				_, err = w.Write(buf.Bytes())
			}
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return path, err
		}, func(path string, err error) {
			if err != nil {
				dialog.ShowInformation(lang.L("Information notice"), Message(err), parent)
				return
			}
			dialog.ShowInformation(lang.L("Information notice"),
				lang.L("Saved in {{.Path}}. Open it to print it.", map[string]any{"Path": path}), parent)
		})
	}
	if noticeSaveHook != nil {
		if path := noticeSaveHook(u); path != "" {
			f, err := os.Create(path)
			if err != nil {
				dialog.ShowInformation(lang.L("Information notice"), Message(err), parent)
				return
			}
			write(f, path)
		}
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowInformation(lang.L("Information notice"), Message(err), parent)
			return
		}
		if w != nil { // nil: cancelled
			write(w, w.URI().Path())
		}
	}, parent)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Show()
	d.Resize(u.dialogSize())
}

// notice gathers what the notice says: this centre, its partner centres
// (not the mailboxes) and its retention.
func (u *UI) notice() report.Notice {
	c := u.session.Centre
	n := report.Notice{CentreName: c.Name, CentreAddress: c.Address, CentrePhone: c.Phone}
	r, err := rgpd.RetentionOf(u.session.DB, u.session.CentreID)
	if err != nil {
		r = rgpd.Default()
	}
	n.PersonMonths, n.DetailsMonths = r.PersonMonths, r.DetailsMonths
	if u.network != nil {
		for _, p := range u.network.Status().Partners {
			if p.Type != network.Mailbox && p.Name != "" {
				n.Partners = append(n.Partners, p.Name)
			}
		}
	}
	return n
}
