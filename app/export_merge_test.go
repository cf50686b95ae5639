package app

import "fyne.io/fyne/v2/widget"

// MergeView holds the widgets of the merge dialog of the open file.
type MergeView struct {
	Open    bool
	Button  *widget.Button // « Fusionner… » on the file
	Search  *widget.Entry
	Results []*widget.Button
}

func (u *UI) MergeView() MergeView {
	p := u.currentPeople()
	if p == nil || p.file == nil {
		return MergeView{}
	}
	v := MergeView{Button: p.file.merge}
	if m := p.merging; m != nil {
		v.Open, v.Search = true, m.search
		for _, o := range m.results.Objects {
			v.Results = append(v.Results, o.(*widget.Button))
		}
	}
	return v
}

// ConfirmMerge merges otherID into the open file, as the confirmation does.
func (u *UI) ConfirmMerge(otherID string) {
	p := u.currentPeople()
	p.merge(p.file, otherID)
}
