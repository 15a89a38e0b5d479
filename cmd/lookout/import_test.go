package main

import (
	"bytes"
	"testing"
)

// FuzzReadCSV feeds arbitrary CSV to the importer's reader: it must never
// panic, and every row it cannot read is reported and passed on empty.
func FuzzReadCSV(f *testing.F) {
	f.Add("number,issuing_country,type,status\nC01X00T47,DEU,passport,stolen\n")
	f.Add("number,issuing_country,type,status,event_date,number_to,remarks\nX1,DEU,passport,stolen_blank,,X9,\"a, b\"\n\"broken\n")
	f.Add("number,issuing_country,type,status\na,b\n\"x\"y\",z\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows := make(chan importRow, 1024)
		var stderr bytes.Buffer
		go func() {
			defer close(rows)
			readCSV(bytes.NewBufferString(in), rows, &stderr)
		}()
		for r := range rows {
			if r.json == nil && stderr.Len() == 0 {
				t.Fatalf("row of line %d refused without a report", r.line)
			}
		}
	})
}
