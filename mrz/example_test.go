package mrz_test

import (
	"fmt"

	"github.com/lookout-network/lookout/mrz"
)

func ExampleParse() {
	r := mrz.Parse([]string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	})
	fmt.Println(r.Format, r.Valid, r.Number(), r.Fields.PrimaryIdentifier, r.CodeStatus.IssuingState)
	// Output: TD3 true L898902C3 ERIKSSON specimen
}

func ExampleEncodeName() {
	fmt.Println(mrz.EncodeName("MÜLLER", "JÖRG", 30))
	fmt.Println(mrz.FoldName("MUXXLLER<<JOERG") == mrz.FoldName("Müller Jörg"))
	// Output:
	// MUELLER<<JOERG<<<<<<<<<<<<<<<<
	// true
}

func ExampleNormalizeCountry() {
	fmt.Println(mrz.NormalizeCountry("D<<"))
	fmt.Println(mrz.NormalizeCountry("BOS"))
	// Output:
	// DEU true
	//  false
}
