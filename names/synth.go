package names

import (
	"math/rand/v2"
	"strings"
)

// Synthetic name material: common given names per naming tradition and
// surname stems and endings, combined so that surnames have a long tail as
// in real populations (a few very common, most rare).
var (
	synGivenWest = strings.Fields("john james robert michael william david richard joseph thomas charles mary patricia jennifer linda elizabeth barbara susan jessica sarah karen peter paul mark daniel anna maria laura julia hans klaus pierre jean marie luc sophie giovanni marco luca francesca pedro carlos juan jose miguel ana lucia jan piotr tomasz katarzyna")
	synGivenRu   = strings.Fields("vladimir sergey alexander dmitry andrey alexey ivan nikolai mikhail yuri oleg igor viktor pavel roman olga tatiana elena natalia irina svetlana anna maria ekaterina yulia")
	synGivenAr   = strings.Fields("mohammed ahmed ali hassan hussein omar khaled mahmoud abdullah ibrahim youssef mustafa tariq karim samir nabil fatima aisha mariam khadija zainab layla nour hamza bilal")
	synGivenCn   = strings.Fields("wei fang min jing li jun hong ming yan ping hua qiang lei yang jie tao xin hui")
	synGivenTr   = strings.Fields("mehmet mustafa ahmet ali huseyin hasan ibrahim ismail osman yusuf ayse fatma emine hatice zeynep elif")
	synStemWest  = strings.Fields("smith john will brown jon mill dav wil ander tay thom moor jack whit harr mart thomp garc robin clark lew walk hall allen young king wright scott green bak adam nel hill camp mitch rob cart phil evan turn tor park coll edward stew morr murph cook rog peter reed morg bell murr bail riv cooper rich cox how ward tor pet gray ram jam wat brook kell sand price benn wood barn ross hend cole jenk perr powell long patt hugh flor wash butl simm fost gonz bry alex russ griff diaz hay schmidt schneid fisch weber meyer wagn beck schulz hoff koch bau rich klein wolf schroed neum schwarz zimmer braun krug hof hart lang schmitt werner krause meier lehm schmid schulze maier kohl herr walt")
	synEndWest   = strings.Fields("son s er man ton ley ford well ard ing mann ner el ens")
	synStemRu    = strings.Fields("ivan smirn kuzn pop vasil petr sokol mikhail novik fedor morozov volk alex lebed semen egor pavl kozl stepan nikol orl andre makar nikit zakhar zaits solov borisov yakovl grigor roman vorob serge kuzmin frolov alexandr dmitri korol gusev kisel ilin maksim polyak sorokin vinogr kovalen belov medved antonov tarasov zhukov baran filipp komarov davyd belyak gerasim bogdan osip sidor matve titov markov mironov krylov kulikov karpov vlasov melnik denis gavril tikhon kazak afanas danil savel timof fomin chern abram martyn efim fedot shcherb nazar kalin isaev chernyshev bykov maslov rodion konovalov lazarev voronin klimov filatov ponomar golubev kudryavts prokhorov naumov potapov zhuravl ovchinnik trofim leonov sobolev ermakov kolesnik goncharov emelyanov nikiforov grachev kotov grishin efremov arkhipov gromov kirillov malyshev panov moiseev rumyants akimov kondratev biryukov gorbun anisimov eremin tikhomirov galkin lukyanov mikheev skvorts yudin belousov nesterov simonov prokof kharitonov knyaz tsvetkov levin mitrofan voronov aksenov sofronov maltsev loginov gorshkov savin krasnov mayorov demidov eliseev rybakov safonov plotnikov demin khokhlov fadeev molchanov ignatov litvinov ershov ushakov dement ryabov mukhin kalashnik leont lobanov kuzin korneev evdokimov borodin platonov nekrasov balashov bobrov zhdanov blinov ignat korotkov muravev kryukov belyaev bogomolov drozdov lavrov zuev petukhov larin nikulin serov terentev zotov ustinov fokin samoilov konstantin")
	synEndRu     = []string{"ov", "ev", "in", "enko", "sky", "ovich", ""}
	synStemAr    = strings.Fields("hashimi tikriti masri baghdadi rashid qahtani otaibi harbi zahrani ghamdi shammari dosari mutairi anazi shehri subaie juhani omari khatib hakim sayed najjar haddad tamimi saadi obeidi jubouri dulaimi ani rawi zubaidi kubaisi hamdani khalidi nasser mansour saleh farouk aziz jaber karim qasim hamid sharif fadel")
	synStemCn    = strings.Fields("wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng wei su lu ding ren shen yao")
	synStemTr    = strings.Fields("yilmaz kaya demir sahin celik yildiz yildirim ozturk aydin ozdemir arslan dogan kilic aslan cetin kara koc kurt ozkan simsek polat korkmaz ozcan cakir erdogan yavuz can acar sen aktas guler yalcin gunes bozkurt bulut keskin unal turan gul ozer")
	synSylWest   = strings.Fields("bar ber bran cal dan del fer gar hal har ken kel lan lin mar mor nel par rid san ster tal ton val war wil")
	synSylRu     = strings.Fields("bor dan gor kov lan mir nov pet rov sar tal vol zar bel dor grish kras lob mal nik pol rod sav tim vas")
	synSylAr     = strings.Fields("bad dar far ham jab kar lat mad nas qad ras sab tah wad zah hus kha mur naj sul tam")
	synSylTr     = strings.Fields("ak bay cel dem er gok kar mert oz sal tas yil bul can dur gul kes nur sen tur")
	synCyr       = map[byte]string{'a': "а", 'b': "б", 'v': "в", 'g': "г", 'd': "д", 'e': "е", 'z': "з", 'i': "и", 'y': "й", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'r': "р", 's': "с", 't': "т", 'u': "у", 'f': "ф", 'h': "х", 'c': "ц"}
	synCountries = strings.Fields("FR DE IT ES GB US RU UA CN TR EG SA IQ SY JO MA DZ TN PK AF IN BR MX AR NG KE ZA PL NL BE")
)

// Synthetic returns n reproducible synthetic persons (no real data): names
// from several naming traditions with a long tail of surnames, some with an
// alias in Cyrillic or a second spelling, partial and full dates of birth,
// sex and one or two nationalities.
func Synthetic(seed uint64, n int) []Entry {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]Entry, n)
	for i := range out {
		out[i] = syntheticPerson(rng)
	}
	return out
}

func pick(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }

// zipf picks with a skew towards the first entries, so that some given
// names and surnames are common and most are rare.
func zipf(rng *rand.Rand, s []string) string {
	f := rng.Float64()
	return s[int(f*f*float64(len(s)))]
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func syntheticPerson(rng *rand.Rand) Entry {
	var e Entry
	e.Sex = "M"
	if rng.IntN(2) == 0 {
		e.Sex = "F"
	}
	var nat string
	switch r := rng.IntN(100); {
	case r < 35:
		sur := zipf(rng, synStemWest) + pick(rng, synEndWest)
		if rng.IntN(2) == 0 {
			sur = syllables(rng, synSylWest, 2+rng.IntN(2)) + pick(rng, synEndWest)
		}
		if rng.IntN(3) == 0 {
			sur += pick(rng, synEndWest) // a double ending widens the tail
		}
		name := title(zipf(rng, synGivenWest)) + " " + title(sur)
		if rng.IntN(4) == 0 {
			name = title(zipf(rng, synGivenWest)) + " " + name
		}
		e.Names = []string{name}
		nat = pick(rng, synCountries[:14])
	case r < 55:
		g := zipf(rng, synGivenRu)
		sur := pick(rng, synStemRu) + pick(rng, synEndRu)
		if rng.IntN(2) == 0 {
			sur = syllables(rng, synSylRu, 2+rng.IntN(2)) + pick(rng, synEndRu)
		}
		father := zipf(rng, synGivenRu) + "ovich"
		e.Names = []string{title(g) + " " + title(father) + " " + title(sur)}
		if rng.IntN(2) == 0 {
			e.Names = append(e.Names, cyrillic(sur+" "+g))
		}
		nat = pick(rng, []string{"RU", "UA", "BY", "KZ"})
	case r < 80:
		g := zipf(rng, synGivenAr)
		father := zipf(rng, synGivenAr)
		fam := pick(rng, synStemAr)
		if rng.IntN(3) > 0 {
			fam = syllables(rng, synSylAr, 2+rng.IntN(2)) + pick(rng, []string{"i", "", "ani", "awi"})
		}
		name := strings.ToUpper(g + " " + father + " al-" + fam)
		if rng.IntN(3) == 0 {
			name = strings.ToUpper(g + " bin " + father + " " + zipf(rng, synGivenAr) + " al-" + fam)
		}
		e.Names = []string{name}
		if rng.IntN(3) == 0 {
			e.Names = append(e.Names, title(g)+" "+title(fam))
		}
		nat = pick(rng, []string{"EG", "SA", "IQ", "SY", "JO", "MA", "DZ", "TN"})
	case r < 90:
		e.Names = []string{title(zipf(rng, synStemCn)) + " " + title(pick(rng, synGivenCn)+pick(rng, synGivenCn))}
		nat = "CN"
	default:
		sur := pick(rng, synStemTr)
		if rng.IntN(2) == 0 {
			sur = syllables(rng, synSylTr, 2+rng.IntN(2))
		}
		e.Names = []string{title(zipf(rng, synGivenTr)) + " " + title(sur+pick(rng, []string{"", "", "", "oglu", "er"}))}
		nat = "TR"
	}
	e.Nationalities = []string{nat}
	if rng.IntN(10) == 0 {
		e.Nationalities = append(e.Nationalities, pick(rng, synCountries))
	}
	y, m, d := 1940+rng.IntN(65), 1+rng.IntN(12), 1+rng.IntN(28)
	switch rng.IntN(10) {
	case 0:
		e.DateOfBirth = Date{Year: y}
	case 1:
		e.DateOfBirth = Date{Year: y, Month: m}
	case 2:
	default:
		e.DateOfBirth = Date{Year: y, Month: m, Day: d}
	}
	return e
}

// syllables makes a rare surname from n syllables.
func syllables(rng *rand.Rand, syl []string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(pick(rng, syl))
	}
	return b.String()
}

// cyrillic spells a Latin name in Cyrillic letter by letter, enough for
// synthetic aliases.
func cyrillic(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte(' ')
		case c == 's' && i+1 < len(s) && s[i+1] == 'h':
			b.WriteString("ш")
			i++
		case c == 'z' && i+1 < len(s) && s[i+1] == 'h':
			b.WriteString("ж")
			i++
		case c == 'k' && i+1 < len(s) && s[i+1] == 'h':
			b.WriteString("х")
			i++
		case c == 'c' && i+1 < len(s) && s[i+1] == 'h':
			b.WriteString("ч")
			i++
		default:
			if r, ok := synCyr[c]; ok {
				b.WriteString(r)
			}
		}
	}
	return title(b.String())
}

// Mutate returns a spelling of the name that a traveller's document or a
// clerk might produce: a typo, parts reordered, a middle part dropped, or
// the name unchanged.
func Mutate(rng *rand.Rand, s string) string {
	parts := strings.Fields(s)
	switch rng.IntN(5) {
	case 0:
		return s
	case 1:
		if len(parts) > 1 {
			parts[0], parts[len(parts)-1] = parts[len(parts)-1], parts[0]
		}
	case 2:
		if len(parts) > 2 {
			parts = append(parts[:1], parts[2:]...)
		}
	default:
		i := rng.IntN(len(parts))
		p := []rune(parts[i])
		if len(p) > 3 {
			j := 1 + rng.IntN(len(p)-2)
			switch rng.IntN(3) {
			case 0:
				p = append(p[:j], p[j+1:]...)
			case 1:
				p[j], p[j+1] = p[j+1], p[j]
			default:
				p[j] = rune('a' + rng.IntN(26))
			}
			parts[i] = string(p)
		}
	}
	return strings.Join(parts, " ")
}
