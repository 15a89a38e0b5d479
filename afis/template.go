// Package afis reads and writes fingerprint minutiae templates
// (ISO/IEC 19794-2:2005, ANSI INCITS 378-2004 and ANSI/NIST-ITL 1-2011
// Type-9 records), compares two templates with a score of its own, and
// searches a gallery of enrolled templates one to many.
//
// Every format is converted at parse time into one frame (see [Minutia]), so
// the matcher never needs to know where a template came from.
package afis

import (
	"errors"
	"fmt"
	"math"
)

// Errors returned by the parsers. They are wrapped with the field and value
// at fault, so test them with errors.Is.
var (
	// ErrUnknownFormat means the data is not one of the supported formats.
	ErrUnknownFormat = errors.New("afis: unknown template format")
	// ErrUnsupportedVersion means a known family in a version not supported yet
	// (ISO/IEC 19794-2:2011 and ANSI INCITS 378-2009, version "030").
	ErrUnsupportedVersion = errors.New("afis: unsupported template version")
	// ErrTruncated means the data ends before a field it declares.
	ErrTruncated = errors.New("afis: truncated record")
	// ErrLength means a declared length disagrees with the data.
	ErrLength = errors.New("afis: record length mismatch")
	// ErrInvalidField means a field holds a value the format forbids.
	ErrInvalidField = errors.New("afis: invalid field")
	// ErrMissingField means a field required for the conversion is absent.
	ErrMissingField = errors.New("afis: missing field")
)

// Format identifies the encoding a [Record] was read from or will be
// written to.
type Format uint8

// The supported formats.
const (
	FormatUnknown  Format = iota
	FormatISO19794        // ISO/IEC 19794-2:2005 finger minutiae record
	FormatANSI378         // ANSI INCITS 378-2004 finger minutiae record
	FormatType9           // ANSI/NIST-ITL 1-2011 transaction with Type-9 records
)

func (f Format) String() string {
	switch f {
	case FormatISO19794:
		return "ISO/IEC 19794-2:2005"
	case FormatANSI378:
		return "ANSI INCITS 378-2004"
	case FormatType9:
		return "ANSI/NIST-ITL 1-2011 Type-9"
	}
	return "unknown"
}

// MinutiaType is the kind of a minutia.
type MinutiaType uint8

// Minutia types, numbered as in ISO/IEC 19794-2.
const (
	TypeOther       MinutiaType = 0
	TypeEnding      MinutiaType = 1
	TypeBifurcation MinutiaType = 2
)

// QualityUnknown marks a minutia or finger whose source gave no quality.
const QualityUnknown = -1

// PPCM500 is 500 pixels per inch in pixels per centimetre: every position in
// the internal frame is at this resolution, because all the matcher's
// tolerances assume it.
const PPCM500 = 500 / 2.54

// Minutia is one ridge ending or bifurcation in the internal frame: X and Y
// in pixels at 500 ppi with the origin at the top-left corner and y pointing
// down; Angle in radians in [0, 2π), counter-clockwise from the +x axis as the
// image is displayed, pointing the way ISO/IEC 19794-2 and INCITS 378 define
// it (for a ridge ending, along the valley fork).
type Minutia struct {
	X, Y    float64
	Angle   float64
	Type    MinutiaType
	Quality int // 0–100, or QualityUnknown
}

// RidgeCount is the number of ridges crossed between two minutiae, by index
// into [Template.Minutiae].
type RidgeCount struct {
	A, B  int
	Count int
}

// Extension is an opaque extended-data block of an ISO or ANSI record, kept
// so that a record can be written back unchanged.
type Extension struct {
	Type uint16
	Data []byte
}

// Template is one finger view: the unit the matcher compares.
type Template struct {
	// Position is the finger position code: 0 unknown, 1–5 right thumb to
	// little, 6–10 left thumb to little.
	Position int
	// View number and impression type codes as in ISO/IEC 19794-2.
	View       int
	Impression int
	// Quality of the finger image 0–100, or QualityUnknown.
	Quality int
	// Width and Height of the source image in pixels at 500 ppi (0 unknown).
	Width, Height float64
	Minutiae      []Minutia
	// RidgeCounts and Extensions are kept from the source when present.
	RidgeCounts []RidgeCount
	Extensions  []Extension
}

// Record is a parsed template file: its header and its finger views.
type Record struct {
	Format Format
	// ResolutionX and ResolutionY are the source resolution in pixels per
	// centimetre; writers convert positions back to it.
	ResolutionX, ResolutionY int
	// Width and Height are the source image size in source pixels.
	Width, Height int
	// Equipment is the capture equipment field (certification flags and
	// device type) of ISO and ANSI records.
	Equipment uint16
	// ProductOwner and ProductType are the ANSI CBEFF product identifier.
	ProductOwner, ProductType uint16
	Templates                 []Template
}

// Parse reads one template record, telling the format apart by content:
// "FMR\x00" records are ISO/IEC 19794-2:2005 or ANSI INCITS 378-2004 (by the
// length-field rule), and tagged text starting with "1.001:" or "9.001:" is an
// ANSI/NIST-ITL transaction or a bare Type-9 record. Damaged data is refused
// with an error wrapping one of the package's Err values.
func Parse(data []byte) (*Record, error) {
	switch {
	case len(data) >= 4 && string(data[:4]) == "FMR\x00":
		return parseFMR(data)
	case len(data) >= 6 && (string(data[:6]) == "1.001:" || string(data[:6]) == "9.001:"):
		return ParseType9(data)
	}
	n := len(data)
	if n > 8 {
		n = 8
	}
	return nil, fmt.Errorf("%w: starts with %q", ErrUnknownFormat, data[:n])
}

// scale converts a source position in units per centimetre to 500 ppi.
func toPixels500(v float64, perCM float64) float64 { return v * PPCM500 / perCM }

// fromPixels500 converts a 500 ppi position back to source units.
func fromPixels500(v float64, perCM float64) int {
	return int(math.Round(v * perCM / PPCM500))
}

// normAngle folds a into [0, 2π).
func normAngle(a float64) float64 {
	a = math.Mod(a, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	if a >= 2*math.Pi {
		a = 0
	}
	return a
}
