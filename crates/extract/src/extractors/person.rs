//! Person names: self-introductions (`mera naam Rahul hai`, `I am Priya from …`, `मेरा नाम …`,
//! `என் பெயர் …`), signatures (`- Neha`, `Regards,\nSuresh Iyer`), and named people next to an
//! honorific or a particle (`Ramesh bhaiya ne bola` → `Ramesh`, `Sharma ji` → `Sharma`, `Dr. Gupta`
//! → `Gupta`). Backed by a project-written gazetteer of Indian given names and surnames.

use crate::lexicon::build_set;
use crate::lexicon::HashSet;
use crate::scan::{Gap, TokKind};
use crate::{Candidate, Extractor, Input};
use sandesh_types::EntityKind;
use std::sync::LazyLock;

static GIVEN: LazyLock<HashSet<String>> =
    LazyLock::new(|| load(include_str!("../../data/given_names.txt")));
static SURNAMES: LazyLock<HashSet<String>> =
    LazyLock::new(|| load(include_str!("../../data/surnames.txt")));
static NATIVE: LazyLock<HashSet<String>> =
    LazyLock::new(|| load(include_str!("../../data/names_native.txt")));

fn load(text: &str) -> HashSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| sandesh_text::normalize_light(l).text().to_string())
        .collect()
}

static BUSINESS_SET: LazyLock<HashSet<String>> = LazyLock::new(|| build_set(BUSINESS));
static PARTICLE_SET: LazyLock<HashSet<String>> = LazyLock::new(|| build_set(PARTICLES));
static BEFORE_HON_SET: LazyLock<HashSet<String>> = LazyLock::new(|| build_set(BEFORE_HONORIFICS));

/// Number of entries in the gazetteer (given names, surnames, native-script names).
pub fn gazetteer_sizes() -> (usize, usize, usize) {
    (GIVEN.len(), SURNAMES.len(), NATIVE.len())
}

/// Words that are never names, however they are written.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "i", "am", "is", "the", "a", "an", "and", "or", "from", "here", "there", "this", "that", "it", "hi",
    "hello", "hey", "sir", "madam", "mam", "ji", "bhai", "ok", "okay", "thanks", "thank", "you",
    "please", "pls", "plz", "interested", "coming", "available", "not", "also", "just", "really",
    "very", "so", "going", "looking", "waiting", "calling", "writing", "sending", "sorry", "happy",
    "glad", "new", "your", "my", "our", "we", "they", "he", "she", "hai", "hu", "hoon", "hun", "h",
    "bol", "raha", "rahi", "se", "ka", "ki", "ke", "ko", "ne", "to", "in", "on", "at", "for", "with",
    "by", "of", "customer", "owner", "manager", "team", "regards", "order", "payment", "delivery",
    "price", "rate", "good", "morning", "evening", "night", "today", "tomorrow", "kal", "aaj",
    "ready", "done", "sure", "fine", "busy", "free", "urgent", "back", "out", "still", "again",
    "confirm", "confirmed", "booking", "will", "would", "can", "could", "want", "need", "have",
    "has", "had", "was", "were", "be", "been", "being", "do", "does", "did", "get", "got",
    "what", "why", "how", "when", "where", "who", "which", "shop", "store", "traders", "enterprises",
    "sharing", "asking", "checking", "trying", "planning", "unable", "able", "told", "said",
    "mr", "mrs", "ms", "dr", "shri", "sri", "smt", "team", "admin", "support", "sales", "accounts",
    "name", "naam", "mera", "meri", "main", "mai", "myself", "nahi", "nhi", "kya", "kuch", "bhi",
    "yes", "no", "haan", "ha", "na", "nope", "abhi", "jaldi", "sab", "all", "any", "one",
    "kalsi", "gpay", "paytm", "phonepe", "upi", "chef", "munshi", "cont", "help", "prabhat", "ఏజెంట్",
    "ડ્રાઈવર", "mumbai", "delhi", "chennai", "kolkata", "bengaluru", "bangalore", "hyderabad",
    "pune", "ahmedabad", "surat", "jaipur", "lucknow", "kanpur", "nagpur", "indore", "bhopal",
    "patna", "ranchi", "kochi", "cochin", "coimbatore", "madurai", "mysore", "mysuru", "mangalore",
    "vizag", "visakhapatnam", "vijayawada", "guntur", "nellore", "trichy", "salem", "erode",
    "tiruppur", "nashik", "aurangabad", "rajkot", "vadodara", "baroda", "noida", "gurgaon",
    "gurugram", "faridabad", "ghaziabad", "chandigarh", "ludhiana", "amritsar", "jalandhar",
    "dehradun", "agra", "varanasi", "prayagraj", "guwahati", "bhubaneswar", "raipur", "thrissur",
    "kozhikode", "calicut", "thane", "howrah", "siliguri", "goa", "panaji", "udaipur", "jodhpur",
    "ajmer", "kota", "bikaner", "hubli", "hubballi", "belgaum", "kolhapur", "solapur", "jalgaon",
    "warangal", "tirupati", "pondicherry", "puducherry", "hosur", "vellore", "kottayam", "kollam",
    "palakkad", "kannur", "alappuzha", "trivandrum", "thiruvananthapuram", "bhavnagar", "jamnagar",
    "gandhinagar", "bharuch", "vapi", "mehsana", "haridwar", "rishikesh", "meerut", "aligarh",
    "bareilly", "moradabad", "gorakhpur", "allahabad", "jabalpur", "gwalior", "ujjain", "dhanbad",
    "jamshedpur", "cuttack", "durgapur", "asansol", "shimla", "manali", "jammu", "srinagar",
    "family", "parivar", "purchase", "sales", "st", "hotel",
    "குடும்பம்", "కుటుంబం", "ಕುಟುಂಬ", "കുടുംബം", "পরিবার", "परिवार", "પરિવાર", "ਪਰਿਵਾਰ", "neft", "imps", "rtgs", "bhim", "आणि", "ਹੈਲਪਲਾਈਨ", "helpline",
];
static STOP_SET: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut s = build_set(STOP);
    s.extend(build_set(NATIVE_STOP));
    s.extend(build_set(PHONE_WORDS));
    s
});

/// Common native-script words that may stand where a name would.
#[rustfmt::skip]
const NATIVE_STOP: &[&str] = &[
    "है", "हूँ", "हूं", "हैं", "था", "थी", "और", "से", "का", "की", "के", "को", "ने", "जी", "भाई", "आहे",
    "आहेत", "मी", "छे", "છે", "હું", "ਹੈ", "ਹਾਂ", "ਮੈਂ", "আমি", "হয়", "আর", "ও", "தான்", "நான்",
    "ஆகும்", "ആണ്", "ഞാൻ", "ಆಗಿದೆ", "ನಾನು", "ಅಂತ", "అని", "నేను", "అండి", "సార్", "सर", "साहब",
    "कृपया", "धन्यवाद", "नमस्ते", "नमस्कार", "प्रणाम", "शुभ", "जय", "श्री", "ধন্যবাদ", "নমস্কার",
    "நன்றி", "வணக்கம்", "ధన్యవాదాలు", "నమస్కారం", "ಧನ್ಯವಾದ", "ನಮಸ್ಕಾರ", "നന്ദി", "നമസ്കാരം",
    "આભાર", "નમસ્તે", "ਧੰਨਵਾਦ", "ਸਤਿ", "ਸ੍ਰੀ", "ਜੀ",
    "आया", "आयी", "क्या", "नहीं", "भी", "मॅडम",
];

/// Words that stand before a phone number and are not names.
#[rustfmt::skip]
const PHONE_WORDS: &[&str] = &[
    "phone", "ph", "mob", "mobile", "call", "contact", "whatsapp", "number", "no", "num", "cell",
    "tel", "helpline", "office", "shop", "dukan", "landline", "fax", "on", "at", "pe", "par",
    "फोन", "फ़ोन", "मो", "मोबाइल", "नंबर", "कॉल", "संपर्क", "व्हाट्सएप", "ফোন", "নম্বর", "போன்",
    "நம்பர்", "ఫోన్", "నంబర్", "ಫೋನ್", "ನಂಬರ್", "ಕರೆ", "ഫോൺ", "നമ്പർ", "ફોન", "નંબર", "ਫ਼ੋਨ",
    "ਫੋਨ", "ਨੰਬਰ", "ਮੋਬਾਈਲ",
];

/// After a name: a business, not a person (`Sharma Traders`).
const BUSINESS: &[&str] = &[
    "traders",
    "trader",
    "enterprises",
    "enterprise",
    "store",
    "stores",
    "agency",
    "agencies",
    "industries",
    "pvt",
    "ltd",
    "company",
    "co",
    "medical",
    "medicals",
    "electricals",
    "electronics",
    "hardware",
    "textiles",
    "jewellers",
    "sweets",
    "motors",
    "mart",
    "foods",
    "bakers",
    "transport",
    "logistics",
    "clinic",
    "hospital",
    "hotel",
    "restaurant",
    "dhaba",
    "kirana",
    "general",
    "brothers",
    "bros",
    "and",
    "&",
    "sons",
    "associates",
    "solutions",
    "services",
    "tours",
    "travels",
    "garments",
    "collection",
    "boutique",
    "salon",
    "studio",
    "academy",
    "classes",
    "school",
    "pharmacy",
    "steel",
    "paints",
    "furniture",
    "builders",
    "developers",
    "automobiles",
    "cycle",
    "mobile",
    "mobiles",
    "nagar",
    "road",
    "colony",
    "market",
    "chowk",
    "street",
    "mills",
    "yarn",
    "polymers",
    "energy",
    "lab",
    "print",
    "prints",
    "vatika",
    "bhawan",
    "bhavan",
    "hall",
    "lawn",
    "lawns",
    "garden",
    "resort",
    "mandap",
    "mahal",
    "palace",
    "chavithi",
    "post",
    "ग्राम",
    "apts",
    "peth",
    "baoli",
    "sector",
    "llp",
    "inc",
    "corp",
    "hospitality",
    "tex",
    "டெக்ஸ்",
    "medicos",
    "કિરાણા",
    "point",
    "depot",
    "chaturthi",
    "habbada",
    "jayanti",
    "diwali",
    "holi",
    "navratri",
    "pongal",
    "onam",
    "purnima",
    "puja",
    "advisor",
    "advisors",
    "roadways",
    "insurance",
    "ट्रांसपोर्ट",
    "spices",
    "creations",
    "creation",
    "fashion",
    "fashions",
    "dairy",
    "bakery",
    "bakes",
    "caterers",
    "decor",
    "decorators",
    "events",
    "printers",
    "press",
    "packaging",
    "plastics",
    "chemicals",
    "pharma",
    "labs",
    "tech",
    "infotech",
    "systems",
    "exports",
    "imports",
    "trading",
    "cotton",
    "fabrics",
    "silks",
    "sarees",
    "emporium",
    "kitchen",
    "cafe",
    "hotels",
    "residency",
    "lodge",
    "tailors",
    "opticals",
    "optics",
    "dental",
    "diagnostics",
    "hospitals",
    "nursing",
    "jewels",
    "gold",
    "fitness",
    "gym",
    "motor",
    "auto",
    "autos",
    "cars",
    "agro",
    "seeds",
    "fertilizers",
    "hardwares",
    "sanitary",
    "tiles",
    "marbles",
    "glass",
    "plywood",
    "timber",
    "transports",
    "roadlines",
    "carriers",
    "movers",
    "packers",
    "ट्रेडर्स",
    "ट्रेडिंग",
    "कंपनी",
    "स्टोर",
    "स्टोर्स",
    "एंटरप्राइजेज",
    "पैकेजिंग",
    "जनरल",
    "डेयरी",
    "ડેરી",
    "ટ્રેડર્સ",
    "സ്റ്റോഴ്സ്",
    "ട്രേഡേഴ്സ്",
    "ট্রেডার্স",
    "স্টোর",
    "டிரேடர்ஸ்",
    "ஸ்டோர்",
    "ట్రేడర్స్",
    "ಟ್ರೇಡರ್ಸ್",
    "ਟ੍ਰੇਡਰਜ਼",
    "ਸਟੋਰ",
    "ਡੇਅਰੀ",
    "ਟਰਾਂਸਪੋਰਟ",
    "રોડલાઇન્સ",
    "டெக்ஸ்டைல்ஸ்",
    "ട്രാൻസ്പോർട്ട്",
    "ट्रांसपोर्ट",
    "ડેરી",
    "টেক্সটাইল",
    "ট্রান্সপোর্ট",
    "रोडलाइन्स",
    "टेक्सटाइल्स",
    "एजेंसी",
    "ਏਜੰਸੀ",
    "એજન્સી",
    "ஏஜென்சி",
    "ఏజెన్సీ",
    "ಏಜೆನ್ಸಿ",
    "ഏജൻസി",
    "এজেন্সি",
];

/// Roles written before a name (`Driver Rahul`, `Sister Jincy`): never part of it.
#[rustfmt::skip]
const ROLES: &[&str] = &[
    "driver", "plumber", "electrician", "carpenter", "courier", "sister", "brother", "teacher",
    "doctor", "manager", "owner", "supervisor", "agent", "technician", "mistri", "mistry", "painter",
    "contractor", "watchman", "security", "guard", "cook", "maid", "tailor", "mechanic", "student",
    "patient", "candidate", "accountant", "cashier", "helper", "boy", "delivery", "salesman",
    "executive", "receptionist", "nurse", "principal", "madam", "sir", "fwd", "forwarded", "bappa",
    "morya", "mata", "jai", "jay", "om", "hari", "shree", "shri", "sri", "seth", "sethji", "ganpati",
    "ड्राइवर", "प्लंबर", "इलेक्ट्रीशियन", "मिस्त्री", "ड्राईवर", "ഇലക്ട്രീഷ്യൻ", "ഡ്രൈവർ", "ઇલેક્ટ્રિશિયન",
    "ડ્રાઇવર", "ড্রাইভার", "ইলেকট্রিশিয়ান", "டிரைவர்", "ఎలక్ట్రీషియన్", "డ్రైవర్", "ಡ್ರೈವರ್", "ਡਰਾਈਵਰ",
    "ਇਲੈਕਟ੍ਰੀਸ਼ੀਅਨ", "ਪਲੰਬਰ", "ಸಂಪರ್ಕ", "ફોરવર્ડ", "ഫോർവേഡ്",
];
static ROLE_SET: LazyLock<HashSet<String>> = LazyLock::new(|| build_set(ROLES));

/// Honorifics written after a name.
#[rustfmt::skip]
const AFTER_HONORIFICS: &[&str] = &[
    "గారి", "ಅವರ", "ji", "jee", "bhai", "bhaiya", "bhaiyya", "bhaisaab", "bhaisahab", "sir", "saab", "sahab", "saheb",
    "madam", "mam", "maam", "didi", "di", "anna", "akka", "garu", "gaaru", "babu", "dada", "da",
    "chechi", "chetta", "chettan", "ben", "behen", "uncle", "aunty", "bhabhi", "mama", "kaka",
    "tai", "avaru", "sar", "sahib",
    "जी", "भाई", "भैया", "साहब", "दीदी", "सर", "मैडम", "ভাই", "দা", "দি", "দিদি", "বাবু", "অণ্ণা",
    "அண்ணா", "அக்கா", "சார்", "గారు", "అన్న", "ಅವರು", "ಸರ್", "ಅಣ್ಣ", "ചേട്ടൻ", "ചേച്ചി", "സാർ",
    "ભાઈ", "બેન", "સાહેબ", "ਜੀ", "ਭਾਈ", "ਸਾਹਿਬ", "ਭੈਣ",
];
static AFTER_HON_SET: LazyLock<HashSet<String>> = LazyLock::new(|| build_set(AFTER_HONORIFICS));

const BEFORE_HONORIFICS: &[&str] = &[
    "col",
    "capt",
    "maj",
    "prof",
    "adv",
    "ડૉ",
    "ডাঃ",
    "ডা",
    "ਡਾਕਟਰ",
    "ਡਾ",
    "डॉक्टर",
    "डॉ",
    "டாக்டர்",
    "డాక్టర్",
    "ಡಾಕ್ಟರ್",
    "ഡോക്ടർ",
    "ডাক্তার",
    "ડૉક્ટર",
    "ડો",
    "mr",
    "mrs",
    "ms",
    "dr",
    "shri",
    "sri",
    "smt",
    "श्री",
    "श्रीमती",
    "डॉ",
    "कुमारी",
    "shree",
    "miss",
];

/// Particles after a mention (`Ramesh ne bola`, `Priya ko bolo`).
const PARTICLES: &[&str] = &[
    "ne", "ko", "se", "ka", "ki", "ke", "ne", "ने", "को", "से", "का", "की", "के", "said", "told",
    "will", "is", "has", "from",
];

/// Phrases after which a name follows for sure.
#[rustfmt::skip]
const STRONG_CUES: &[&[&str]] = &[
    &["mera", "naam"], &["mera", "name"], &["meraa", "naam"], &["my", "name", "is"], &["my", "name"],
    &["name", "is"], &["name", ":"], &["naam", ":"], &["myself"], &["this", "side"],
    &["मेरा", "नाम"], &["माझे", "नाव"], &["माझं", "नाव"], &["माझा", "नाव"], &["আমার", "নাম"],
    &["என்", "பெயர்"], &["என்", "பேரு"], &["என்னோட", "பேரு"], &["నా", "పేరు"], &["ನನ್ನ", "ಹೆಸರು"],
    &["എന്റെ", "പേര്"], &["મારું", "નામ"], &["મારુ", "નામ"], &["ਮੇਰਾ", "ਨਾਮ"], &["ਮੇਰਾ", "ਨਾਂ"],
    &["maza", "naav"], &["majha", "nav"], &["majhe", "nav"], &["maze", "nav"], &["amar", "naam"],
    &["amar", "nam"], &["en", "peyar"], &["en", "peru"], &["en", "per"], &["naa", "peru"],
    &["na", "peru"], &["nanna", "hesaru"], &["nan", "hesaru"], &["ente", "peru"], &["ente", "per"],
    &["ente", "peyr"], &["maru", "naam"], &["maaru", "naam"], &["mera", "nam"], &["naam", "hai"],
    // `Patient name: …`, `रोगी का नाम …`, `Student: …`
    &["नाम"], &["নাম"], &["పేరు"], &["பெயர்"], &["பேரு"], &["ಹೆಸರು"], &["പേര്"], &["નામ"], &["ਨਾਮ"],
    &["नाव"], &["hesaru"], &["naam"], &["name"], &["student", ":"], &["patient", ":"],
    &["candidate", ":"], &["विद्यार्थी", ":"], &["વિદ્યાર્થી", ":"], &["ਵਿਦਿਆਰਥੀ", ":"],
    &["വിദ്യാർത്ഥി", ":"], &["ছাত্র", ":"], &["ছাত্রী", ":"], &["மாணவர்", ":"], &["విద్యార్థి", ":"],
    &["ವಿದ್ಯಾರ್ಥಿ", ":"], &["विद्यार्थी"], &["student"], &["patient"],
];

/// Pronouns and phrases after which a known name may follow (`I am Priya`, `this is Amit`).
#[rustfmt::skip]
const WEAK_CUES: &[&[&str]] = &[
    &["i", "am"], &["i", "'", "m"], &["im"], &["this", "is"], &["it", "'", "s"], &["main"], &["mai"],
    &["मैं"], &["मी"], &["আমি"], &["நான்"], &["నేను"], &["ನಾನು"], &["ഞാൻ"], &["હું"], &["ਮੈਂ"],
    &["naan"], &["nenu"], &["naanu"], &["njan"], &["hu"], &["ami"], &["mi"], &["regards"],
    &["regds"], &["thanks"], &["thank", "you"], &["thanks", "&", "regards"], &["warm", "regards"],
    &["best", "regards"], &["dhanyavad"], &["dhanyawad"], &["from"], &["-"], &["–"], &["—"], &["~"],
    &["call"], &["contact"], &["ask"], &["sent", "by"], &["by"],
];

static STRONG: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| cues(STRONG_CUES));
static WEAK: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| cues(WEAK_CUES));

fn cues(list: &[&[&str]]) -> Vec<Vec<String>> {
    list.iter()
        .map(|c| {
            c.iter()
                .map(|w| sandesh_text::normalize_light(w).text().to_string())
                .collect()
        })
        .collect()
}

/// `John Smith`, `Rahul Verma`, `राहुल`: a known name or a capitalised Latin word.
#[derive(Debug, Default, Clone, Copy)]
pub struct PersonExtractor;

fn known(w: &str) -> bool {
    GIVEN.contains(w) || NATIVE.contains(w)
}

fn known_any(w: &str) -> bool {
    known(w) || SURNAMES.contains(w)
}

impl PersonExtractor {
    /// Whether token `i` of the original text starts with an upper-case letter.
    fn capitalised(input: &Input<'_>, i: usize) -> bool {
        input
            .original_char(input.scan.toks[i].start)
            .is_some_and(char::is_uppercase)
    }

    /// An all-capitals Latin word of two letters or more (`UTR`, `GST`, `AWB`).
    fn acronym(input: &Input<'_>, i: usize) -> bool {
        let t = input.scan.toks[i];
        t.end - t.start >= 2
            && input.scan.tok(i).is_ascii()
            && !known_any(input.scan.tok(i))
            && (t.start..t.end).all(|c| {
                input
                    .original_char(c)
                    .is_some_and(|ch| ch.is_ascii_uppercase())
            })
    }

    /// A line of one to three name words that ends the message or comes before a line with an
    /// e-mail or a number (a signature block).
    fn signature_line(input: &Input<'_>, i: usize) -> Option<usize> {
        let scan = &input.scan;
        if i == 0 || !scan.line_start(i) {
            return None;
        }
        let mut end = i;
        while end < scan.len() && end < i + 3 && (end == i || scan.toks[end].gap == Gap::Space) {
            let w = scan.tok(end);
            let ok = scan.kind(end) == Some(TokKind::Word)
                && !STOP_SET.contains(w)
                && !ROLE_SET.contains(w)
                && !BUSINESS_SET.contains(w)
                && !Self::acronym(input, end)
                && w.chars().count() >= 2
                && (known_any(w) || (w.is_ascii() && Self::capitalised(input, end)));
            if !ok {
                return None;
            }
            end += 1;
        }
        let line_ends = end >= scan.len() || scan.toks[end].gap == Gap::Newline;
        if !line_ends {
            return None;
        }
        let next_has_contact = end >= scan.len()
            || (end..scan.len())
                .take_while(|&k| k == end || scan.toks[k].gap != Gap::Newline)
                .any(|k| scan.is(k, "@") || scan.kind(k) == Some(TokKind::Num));
        next_has_contact.then_some(end)
    }

    /// A one-letter capital initial (`Kavitha S`).
    fn initial(input: &Input<'_>, i: usize) -> bool {
        let scan = &input.scan;
        scan.kind(i) == Some(TokKind::Word)
            && scan.tok(i).chars().count() == 1
            && scan.tok(i).is_ascii()
            && Self::capitalised(input, i)
            && !matches!(scan.tok(i + 1), "'")
    }

    /// Whether a phone number starts at token `k` (possibly after `,`, `-` or `:`).
    fn phone_follows(scan: &crate::scan::Scan<'_>, mut k: usize) -> bool {
        if matches!(scan.tok(k), "," | "-" | ":" | "–") {
            k += 1;
        }
        if scan.is(k, "+") {
            return scan.kind(k + 1) == Some(TokKind::Num);
        }
        if scan.kind(k) != Some(TokKind::Num) {
            return false;
        }
        let mut digits = scan.tok(k).to_string();
        let mut last = k;
        if digits.len() < 10 && scan.kind(k + 1) == Some(TokKind::Num) && !scan.glued(k + 1) {
            digits.push_str(scan.tok(k + 1));
            last = k + 1;
        }
        if scan.is(last + 1, "@") && scan.glued(last + 1) {
            return false;
        }
        digits.bytes().all(|b| b.is_ascii_digit())
            && super::phone::national_number(&digits, false).is_some()
            || (scan.tok(k).starts_with('0') && scan.is(k + 1, "-"))
    }

    fn is_name_word(input: &Input<'_>, i: usize, strict: bool) -> bool {
        let scan = &input.scan;
        if scan.kind(i) != Some(TokKind::Word) {
            return false;
        }
        let w = scan.tok(i);
        if STOP_SET.contains(w)
            || ROLE_SET.contains(w)
            || BUSINESS_SET.contains(w)
            || w.chars().count() < 2
        {
            return false;
        }
        if known_any(w) {
            return true;
        }
        !strict && w.is_ascii() && Self::capitalised(input, i)
    }

    /// The name starting at `i`: up to three name words on one line. `first_known` requires the
    /// first to be in the gazetteer.
    fn name_at(input: &Input<'_>, i: usize, first_known: bool, loose: bool) -> Option<usize> {
        let scan = &input.scan;
        if i >= scan.len() || scan.toks[i].gap == Gap::Newline && !loose {
            return None;
        }
        let w = scan.tok(i);
        if ROLE_SET.contains(w)
            || BUSINESS_SET.contains(w)
            || AFTER_HON_SET.contains(w)
            || Self::acronym(input, i)
        {
            return None;
        }
        let first_ok = if first_known {
            scan.kind(i) == Some(TokKind::Word) && known_any(w) && !STOP_SET.contains(w)
        } else {
            Self::is_name_word(input, i, false)
                || (loose
                    && scan.kind(i) == Some(TokKind::Word)
                    && !STOP_SET.contains(w)
                    && w.chars().count() >= 2
                    && !w.is_ascii())
        };
        if !first_ok {
            return None;
        }
        let mut end = i + 1;
        while end < scan.len()
            && end < i + 3
            && scan.toks[end].gap == Gap::Space
            && !BUSINESS_SET.contains(scan.tok(end))
            && !AFTER_HON_SET.contains(scan.tok(end))
            && (SURNAMES.contains(scan.tok(end))
                || NATIVE.contains(scan.tok(end))
                || Self::initial(input, end)
                || (loose
                    && !scan.tok(end).is_ascii()
                    && !scan.tok(i).is_ascii()
                    && !STOP_SET.contains(scan.tok(end))
                    && !ROLE_SET.contains(scan.tok(end)))
                || (Self::is_name_word(input, end, false) && Self::capitalised(input, i)))
        {
            end += 1;
        }
        if BUSINESS_SET.contains(scan.tok(end)) {
            return None;
        }
        Some(end)
    }
}

/// Whether a cue of two words or more ends at `i`.
fn cue_ends_at_len2(scan: &crate::scan::Scan<'_>, i: usize) -> bool {
    STRONG.iter().any(|cue| {
        cue.len() >= 2
            && cue.len() <= i
            && cue
                .iter()
                .enumerate()
                .all(|(k, w)| scan.tok(i - cue.len() + k) == w.as_str())
    })
}

static CUE_LAST_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    STRONG
        .iter()
        .chain(WEAK.iter())
        .filter_map(|c| c.last().cloned())
        .collect()
});

fn cue_ends_at(scan: &crate::scan::Scan<'_>, i: usize, list: &[Vec<String>]) -> bool {
    if i == 0 || !CUE_LAST_WORDS.contains(scan.tok(i - 1)) {
        return false;
    }
    list.iter().any(|cue| {
        cue.len() <= i
            && cue
                .iter()
                .enumerate()
                .all(|(k, w)| scan.tok(i - cue.len() + k) == w.as_str())
    })
}

impl Extractor for PersonExtractor {
    fn kind(&self) -> EntityKind {
        EntityKind::Person
    }

    fn extract(&self, input: &Input<'_>, out: &mut Vec<Candidate>) {
        let scan = &input.scan;
        let n = scan.len();
        let push = |s: usize, e: usize, out: &mut Vec<Candidate>| {
            out.push(Candidate::tokens(
                scan,
                EntityKind::Person,
                s,
                e - 1,
                super::priority::PERSON,
            ));
        };
        let mut i = 0;
        while i < n {
            // Strong cue: `mera naam X`, `my name is X`, `என் பெயர் X`.
            let mut j = i;
            while j < n
                && matches!(scan.tok(j), ":" | "-" | "," | "is" | "hai" | "h")
                && j < i + 2
                && cue_ends_at(scan, i, &STRONG)
            {
                j += 1;
            }
            if cue_ends_at(scan, i, &STRONG) {
                // A one-word cue (`naam`, `নাম`) is followed by a separator or a known name;
                // otherwise it is just the word ("naam likh lo").
                let one_word = i >= 1 && !cue_ends_at_len2(scan, i);
                let separated = j > i;
                let strict = one_word && !separated;
                if let Some(end) = PersonExtractor::name_at(input, j, strict, !strict) {
                    push(j, end, out);
                    i = end;
                    continue;
                }
            }
            if cue_ends_at(scan, i, &WEAK) {
                let mut j = i;
                if scan.is(j, ",") || scan.is(j, ":") {
                    j += 1;
                }
                let prev = scan.tok(i.wrapping_sub(1));
                let signature =
                    matches!(prev, "-" | "–" | "—" | "~") && (i < 2 || !scan.glued(i - 1));
                let sign_off = matches!(
                    prev,
                    "regards" | "regds" | "thanks" | "you" | "dhanyavad" | "dhanyawad"
                );
                let loose = signature || sign_off;
                let dash = matches!(prev, "-" | "–" | "—" | "~");
                // A native pronoun (`હું`, `আমি`, `நான்`) may introduce a name the gazetteer
                // lacks when a known surname or a comma closes it (`আমি শ্রেয়া বসু, …`).
                let native_intro = !prev.is_ascii() && !dash;
                let intro_name = if native_intro {
                    PersonExtractor::name_at(input, j, false, true).filter(|&e| {
                        (e > j + 1 && known_any(scan.tok(e - 1))) || (e == j + 1 && scan.is(e, ","))
                    })
                } else {
                    None
                };
                let found = if dash && !signature {
                    None
                } else {
                    PersonExtractor::name_at(input, j, !loose, loose).or(intro_name)
                };
                if let Some(end) = found {
                    // A signature ends its line.
                    let line_end = end >= n
                        || scan.toks[end].gap == Gap::Newline
                        || matches!(scan.tok(end), "." | "!" | "🙏" | "," | "/" | "|" | "&")
                        || PersonExtractor::phone_follows(scan, end);
                    if !loose || line_end {
                        push(j, end, out);
                        i = end;
                        continue;
                    }
                }
            }
            // `@Sai`, `@கார்த்தி`: a mention (an e-mail or UPI id is claimed first).
            if scan.is(i, "@")
                && (i == 0 || !scan.glued(i))
                && scan.glued(i + 1)
                && scan.kind(i + 1) == Some(TokKind::Word)
                && !(scan.glued(i + 2) && matches!(scan.tok(i + 2), "_" | "." | "-"))
            {
                let w = scan.tok(i + 1);
                if !STOP_SET.contains(w) && w.chars().count() >= 2 {
                    push(i + 1, i + 2, out);
                    i += 2;
                    continue;
                }
            }
            // `Dr. Gupta`, `Mr Sharma`
            if BEFORE_HON_SET.contains(scan.tok(i))
                && !matches!(
                    scan.tok(i.wrapping_sub(1)),
                    "jai" | "jay" | "om" | "जय" | "sat" | "ਸਤਿ"
                )
            {
                let j = if scan.is(i + 1, ".") { i + 2 } else { i + 1 };
                if let Some(end) = PersonExtractor::name_at(input, j, false, false) {
                    push(j, end, out);
                    i = end;
                    continue;
                }
            }
            // `Hitesh 98254 73601`, `முருகேசன் 94437 62180`: an unknown name right before a phone.
            if (i == 0 || !matches!(scan.tok(i - 1), "#" | "@" | "/"))
                && scan.kind(i) == Some(TokKind::Word)
                && !STOP_SET.contains(scan.tok(i))
                && (!scan.tok(i).is_ascii() || PersonExtractor::capitalised(input, i))
                && scan.tok(i).chars().count() >= 3
                && crate::lexicon::currency_after(scan.tok(i)).is_none()
                && crate::lexicon::unit_word(scan.tok(i)).is_none()
            {
                // An unknown native-script word needs a separator or a line start around it, or
                // verbs (`பண்ணுங்க 80720…`, `करें 70145…`) would count.
                let known = known_any(scan.tok(i));
                let set_apart = i == 0
                    || scan.line_start(i)
                    || ROLE_SET.contains(scan.tok(i - 1))
                    || matches!(scan.tok(i - 1), "," | "-" | ":" | "–" | "—" | "/" | "|")
                    || matches!(scan.tok(i + 1), "," | "-" | ":");
                if let Some(end) = PersonExtractor::name_at(input, i, false, true)
                    .filter(|&e| e == i + 1 || known)
                    .filter(|_| known || scan.tok(i).is_ascii() || set_apart)
                {
                    let k = if AFTER_HON_SET.contains(scan.tok(end)) {
                        end + 1
                    } else {
                        end
                    };
                    if PersonExtractor::phone_follows(scan, k)
                        && !BUSINESS_SET.contains(scan.tok(end))
                    {
                        push(i, end, out);
                        i = end;
                        continue;
                    }
                }
            }
            if let Some(end) = PersonExtractor::signature_line(input, i) {
                push(i, end, out);
                i = end;
                continue;
            }
            // `Sharma ji`, `Ramesh bhaiya`, a known name with a particle.
            if let Some(end) = PersonExtractor::name_at(input, i, true, false) {
                let next = scan.tok(end);
                // `Jai Shree Krishna`, `Hotel Shivam`: a deity or a business, not a person.
                let blessed = i >= 2
                    && matches!(scan.tok(i - 1), "shree" | "shri" | "sri" | "श्री")
                    && matches!(scan.tok(i - 2), "jai" | "jay" | "जय");
                let after_business = i >= 1 && BUSINESS_SET.contains(scan.tok(i - 1));
                let honorific = AFTER_HON_SET.contains(next) && !blessed && !after_business;
                let particle = PARTICLE_SET.contains(next)
                    && (PersonExtractor::capitalised(input, i) || !scan.tok(i).is_ascii());
                let pin_after = scan.kind(end) == Some(TokKind::Num) && scan.tok(end).len() == 6;
                let capital = PersonExtractor::capitalised(input, i)
                    && GIVEN.contains(scan.tok(i))
                    && !blessed
                    && !after_business
                    && i > 0
                    && !scan.line_start(i)
                    && !matches!(
                        scan.tok(i - 1),
                        "." | "!"
                            | "?"
                            | "jai"
                            | "jay"
                            | "shree"
                            | "shri"
                            | "sri"
                            | "om"
                            | "hotel"
                            | "shop"
                            | "restaurant"
                            | "hospital"
                            | "clinic"
                    )
                    && !pin_after;
                // `Rakesh, Transport Nagar`, `Anjali, anjali.m95@…`: a known given name set off by
                // a comma.
                // `Rahul bol raha hu`, `प्रिया बोल रही हूँ`
                let speaking = matches!(
                    scan.tok(end),
                    "bol"
                        | "bolra"
                        | "बोल"
                        | "bolto"
                        | "bolchi"
                        | "bolchhi"
                        | "pesuren"
                        | "maatadtidini"
                ) && (end == i + 1 || PersonExtractor::capitalised(input, i));
                let listed = PersonExtractor::capitalised(input, i)
                    && GIVEN.contains(scan.tok(i))
                    && scan.is(end, ",")
                    && end == i + 1
                    || (!scan.tok(i).is_ascii()
                        && NATIVE.contains(scan.tok(i))
                        && scan.is(end, ",")
                        && (i == 0
                            || matches!(scan.tok(i - 1), "." | "," | "-" | "—" | "|" | "/" | ":")));
                let full_name =
                    end > i + 1 && (GIVEN.contains(scan.tok(i)) || NATIVE.contains(scan.tok(i)));
                let phone = PersonExtractor::phone_follows(scan, end);
                if honorific || particle || capital || full_name || phone || listed || speaking {
                    push(i, end, out);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
    }
}
