// Package mrz reads and validates the machine readable zone of travel
// documents (ICAO Doc 9303: TD1, TD2 and TD3 documents, MRV-A and MRV-B
// visas) and holds the small pieces of Doc 9303 that the rest of Lookout
// shares with it: the 7-3-1 check digit, the canonical document number that
// the document index keys on, the country codes with their ICAO specials,
// and the transliteration of names into the MRZ alphabet.
//
// [Parse] never stops at the first error: it reports every field, every
// check digit (printed, computed, valid) and every format issue, because a
// border officer and the similar-document search both need to know which
// part of a read is wrong, not only that it is. It corrects nothing: OCR
// confusions such as O/0 are left for the check digits to reveal, and a
// read that passes them may still carry a wrong number (G/6 and adjacent
// transpositions are blind spots of the 7-3-1 scheme).
//
// The package is pure: no I/O, no dependency outside the standard library.
package mrz
