// Package export writes the activity of a network for spreadsheets and
// calendars: CSV files of appointments, accompaniments and radar cases in
// the form French spreadsheet software opens right (UTF-8 with a BOM,
// « ; » between cells, CRLF line ends, French headers), and the agenda of a
// centre or a mediator as an ICS calendar.
//
// Exports name no one: a person is a reference (their record id), so rows
// can be counted per person, and nothing a mediator typed (notes) leaves.
// Every export streams, reports its progress and stops when its context is
// cancelled.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strings"
)

// bom is the UTF-8 byte order mark: without it, spreadsheet software on
// Windows reads the file as Windows-1252 and « é » turns into « Ã© ».
const bom = "\ufeff"

// Progress hears how far an export went: rows written so far, and the share
// of the work done, from 0 to 1. It is called from the exporting goroutine.
type Progress func(rows int, done float64)

// table writes the rows of one CSV file.
type table struct {
	bw   *bufio.Writer
	cw   *csv.Writer
	rows int
}

func newTable(w io.Writer, header []string) (*table, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(bom); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	t := &table{bw: bw, cw: cw}
	return t, cw.Write(header)
}

func (t *table) write(cells ...string) error {
	for i, c := range cells {
		cells[i] = Neutralise(c)
	}
	t.rows++
	return t.cw.Write(cells)
}

func (t *table) close() error {
	t.cw.Flush()
	if err := t.cw.Error(); err != nil {
		return err
	}
	return t.bw.Flush()
}

// Neutralise keeps a cell from being taken for a formula (CSV injection): a
// cell starting with = + - @, a tab or a carriage return gets a leading
// apostrophe, which spreadsheet software shows as text. Line breaks inside
// a cell become spaces, so one row stays one line.
func Neutralise(cell string) string {
	cell = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(cell)
	if cell != "" && strings.ContainsRune("=+-@\t", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// checkEvery is how many rows are written between two looks at the context.
const checkEvery = 1024

func (t *table) cancelled(ctx context.Context) error {
	if t.rows%checkEvery == 0 {
		return ctx.Err()
	}
	return nil
}
