package names

// How a query part was matched, as shown in an explanation.
const (
	HowExact          = "exact"          // same part after normalisation
	HowTransliterated = "transliterated" // same part after romanising another script
	HowPhonetic       = "phonetic"       // same phonetic key, spelt differently
	HowSpelling       = "spelling"       // close spelling: typos, transliteration drift
	HowConsonants     = "consonants"     // Arabic or Hebrew script against Latin, on consonants
	HowInitial        = "initial"        // an initial standing for a part
	HowNickname       = "nickname"       // a known short form
	HowJoined         = "joined"         // parts written together or split differently
	HowConflict       = "conflict"       // parts in the same place that disagree
	HowQueryOnly      = "query_only"     // a query part with no counterpart
	HowCandidateOnly  = "candidate_only" // a candidate part with no counterpart
)

// nicknames maps short forms to the given name they stand for.
var nicknames = map[string]string{
	"bibi": "benjamin", "ben": "benjamin", "benji": "benjamin", "ted": "theodore", "teddy": "theodore",
	"theo": "theodore", "bill": "william", "billy": "william", "will": "william", "willy": "william",
	"bob": "robert", "bobby": "robert", "rob": "robert", "robby": "robert", "dick": "richard",
	"rick": "richard", "ricky": "richard", "jim": "james", "jimmy": "james", "mike": "michael",
	"mick": "michael", "tom": "thomas", "tommy": "thomas", "tony": "anthony", "joe": "joseph",
	"jack": "john", "johnny": "john", "kate": "katherine", "katie": "katherine", "liz": "elizabeth",
	"beth": "elizabeth", "betty": "elizabeth", "peggy": "margaret", "maggie": "margaret",
	"sasha": "alexander", "sacha": "alexander", "alex": "alexander", "dima": "dmitry", "vova": "vladimir",
	"volodya": "vladimir", "kolya": "nikolai", "misha": "mikhail", "barry": "barack", "chuck": "charles",
	"charlie": "charles", "dave": "david", "steve": "steven", "andy": "andrew", "nick": "nicholas",
	"sam": "samuel", "pat": "patrick", "ed": "edward", "eddie": "edward", "fred": "frederick",
	"larry": "lawrence", "hank": "henry", "harry": "henry", "jerry": "gerald", "sandy": "alexander",
	"pasha": "pavel", "petya": "pyotr", "seryozha": "sergei", "zhenya": "yevgeny", "lyosha": "alexei",
}

// canonicalGiven folds a few spelling families of common given names so
// that nicknames resolve whichever spelling the list uses.
func nicknameOf(a, b string) bool {
	if n, ok := nicknames[a]; ok && similarEnough(n, b) {
		return true
	}
	if n, ok := nicknames[b]; ok && similarEnough(n, a) {
		return true
	}
	return false
}

func similarEnough(a, b string) bool {
	return a == b || phoneticKey(a) == phoneticKey(b)
}

// tokenSim scores two tokens in [0,1] and says how they matched.
func tokenSim(a, b *token) (float64, string) {
	if a.script == b.script && a.script != scriptLatin {
		if a.native == b.native {
			return 1, HowExact
		}
		return editSimRunes(a.native, b.native), HowSpelling
	}
	if a.kind == kindInitial || b.kind == kindInitial {
		if a.latin == b.latin {
			return 1, HowExact
		}
		if a.latin != "" && b.latin != "" && a.latin[0] == b.latin[0] {
			return 0.9, HowInitial
		}
		return 0, HowConflict
	}
	if a.script.abjad() != b.script.abjad() {
		if a.ckey == "" || b.ckey == "" {
			return 0, HowConflict
		}
		if a.ckey == b.ckey {
			return 0.92, HowConsonants
		}
		return 0.9 * editSimBytes(a.ckey, b.ckey), HowConsonants
	}
	if a.latin == b.latin && a.latin != "" {
		if a.script != b.script {
			if a.script.lossy() || b.script.lossy() {
				return 0.95, HowTransliterated
			}
			return 1, HowTransliterated
		}
		return 1, HowExact
	}
	if a.latin == "" || b.latin == "" {
		return 0, HowConflict
	}
	s := editSimBytes(a.latin, b.latin)
	how := HowSpelling
	if a.skel == b.skel && s >= 0.5 && len(a.skel) >= 2 && s < 0.9 {
		s, how = 0.9, HowPhonetic
	}
	if s < 0.85 && nicknameOf(a.latin, b.latin) {
		s, how = 0.85, HowNickname
	}
	if a.script.lossy() || b.script.lossy() {
		s *= 0.95
	}
	return s, how
}

// editSimBytes is 1 − (weighted optimal-string-alignment distance / longer
// length). Substitutions within a sound class (vowels; c/k/q; s/z; v/w/f;
// i/y/j; d/t; b/p) cost 0.6, a doubled letter 0.5, so transliteration drift
// costs less than a different letter.
func editSimBytes(a, b string) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	// Similarity cannot reach 0.5 when one string is over twice the other.
	if la > 2*lb || lb > 2*la {
		return 0
	}
	var buf [3 * 40]float64
	var rows []float64
	if lb+1 <= 40 {
		rows = buf[:3*(lb+1)]
	} else {
		rows = make([]float64, 3*(lb+1))
	}
	prev2, prev, cur := rows[0:lb+1], rows[lb+1:2*(lb+1)], rows[2*(lb+1):]
	var bcostBuf [40]float64
	bcost := bcostBuf[:0]
	if lb > 40 {
		bcost = make([]float64, 0, lb)
	}
	for j := 0; j < lb; j++ {
		bcost = append(bcost, indelCost(b, j))
	}
	for j := 0; j <= lb; j++ {
		prev[j] = float64(j)
	}
	for i := 1; i <= la; i++ {
		cur[0] = float64(i)
		ca := a[i-1]
		acost := indelCost(a, i-1)
		for j := 1; j <= lb; j++ {
			cb := b[j-1]
			sub := prev[j-1]
			if ca != cb {
				sub += substCost(ca, cb)
			}
			del := prev[j] + acost
			ins := cur[j-1] + bcost[j-1]
			m := sub
			if del < m {
				m = del
			}
			if ins < m {
				m = ins
			}
			if i > 1 && j > 1 && ca == b[j-2] && a[i-2] == cb && prev2[j-2]+0.8 < m {
				m = prev2[j-2] + 0.8
			}
			cur[j] = m
		}
		prev2, prev, cur = prev, cur, prev2
	}
	d := prev[lb]
	l := la
	if lb > l {
		l = lb
	}
	s := 1 - d/float64(l)
	if s < 0 {
		return 0
	}
	return s
}

// indelCost is the cost of inserting or deleting s[i]: cheap when it only
// doubles its neighbour (Hanniball, Zelenskyy) or is a silent h.
func indelCost(s string, i int) float64 {
	c := s[i]
	if (i > 0 && s[i-1] == c) || (i+1 < len(s) && s[i+1] == c) {
		return 0.5
	}
	if c == 'h' && i > 0 {
		return 0.6
	}
	return 1
}

func soundClass(c byte) byte {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return 'a'
	case 'c', 'k', 'q':
		return 'k'
	case 's', 'z':
		return 's'
	case 'v', 'w', 'f':
		return 'v'
	case 'y', 'j':
		return 'y'
	case 'd', 't':
		return 't'
	case 'b', 'p':
		return 'b'
	}
	return c
}

func substCost(a, b byte) float64 {
	if soundClass(a) == soundClass(b) {
		return 0.6
	}
	if (a == 'i' || a == 'y' || a == 'j') && (b == 'i' || b == 'y' || b == 'j') {
		return 0.6
	}
	return 1
}

// editSimRunes is the plain optimal-string-alignment similarity on runes,
// for comparisons inside one non-Latin script.
func editSimRunes(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	la, lb := len(ra), len(rb)
	if la == 0 || lb == 0 {
		return 0
	}
	prev2 := make([]int, lb+1)
	prev := make([]int, lb+1)
	cur := make([]int, lb+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		for j := 1; j <= lb; j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			m := min(prev[j-1]+c, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] && prev2[j-2]+1 < m {
				m = prev2[j-2] + 1
			}
			cur[j] = m
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return 1 - float64(prev[lb])/float64(max(la, lb))
}
