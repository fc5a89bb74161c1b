namespace TimepointFlash.Engines.Offline

/// A well-known place the offline engine can recognise in a query.
type Place = {
    Name: string
    Keys: string list
    Region: string
    Continent: string
    /// A year the place is best known for, used when a query gives no year.
    YearHint: int option
    Southern: bool
}

/// Broad regions used by the era/region profiles.
[<RequireQualifiedAccess>]
module Region =
    /// Europe.
    let europe = "Europe"
    /// Egypt, North Africa, the Levant, Mesopotamia, Persia, Anatolia and Central Asia.
    let mena = "Middle East & North Africa"
    /// Africa south of the Sahara.
    let subSaharan = "Sub-Saharan Africa"
    /// The Indian subcontinent.
    let southAsia = "South Asia"
    /// China, Japan, Korea, Mongolia and South-East Asia.
    let eastAsia = "East Asia"
    /// North, Central and South America.
    let americas = "Americas"
    /// Australia, New Zealand and the Pacific.
    let oceania = "Oceania"

/// Gazetteer of about 150 well-known cities, countries and regions.
[<RequireQualifiedAccess>]
module Gazetteer =
    // Display | keys | region code | continent code | year hint (0 none) | S = southern hemisphere
    let private table =
        """
Rome|rome,roma,ancient rome,roman forum|EU|EU|-50|
Athens|athens,athenai,acropolis|EU|EU|-430|
Sparta|sparta,lacedaemon|EU|EU|-480|
Pompeii|pompeii,herculaneum|EU|EU|79|
Carthage|carthage|ME|AF|-150|
Alexandria|alexandria|ME|AF|-40|
Thebes, Egypt|thebes,luxor,karnak|ME|AF|-1350|
Memphis, Egypt|memphis egypt,saqqara|ME|AF|-2600|
Giza|giza|ME|AF|-2560|
Cairo|cairo,fustat|ME|AF|1300|
Egypt|egypt,ancient egypt|ME|AF|-1350|
Babylon|babylon,babylonia|ME|AS|-600|
Ur|ur of the chaldees,sumer,sumeria|ME|AS|-2100|
Nineveh|nineveh,assyria|ME|AS|-700|
Mesopotamia|mesopotamia|ME|AS|-1750|
Persepolis|persepolis,persia,achaemenid|ME|AS|-480|
Jerusalem|jerusalem|ME|AS|30|
Damascus|damascus|ME|AS|1150|
Baghdad|baghdad|ME|AS|850|
Mecca|mecca,makkah|ME|AS|630|
Constantinople|constantinople,byzantium|EU|EU|540|
Istanbul|istanbul|EU|EU|1550|
Troy|troy,ilium|ME|AS|-1200|
Petra|petra,nabataea|ME|AS|50|
Palmyra|palmyra|ME|AS|270|
Samarkand|samarkand,silk road|ME|AS|1400|
Isfahan|isfahan|ME|AS|1600|
Tehran|tehran,iran|ME|AS|1979|
Cordoba|cordoba,al andalus|EU|EU|950|
Granada|granada,alhambra|EU|EU|1492|
Toledo|toledo|EU|EU|1200|
Marrakesh|marrakesh,morocco|ME|AF|1150|
Tunis|tunis,tunisia|ME|AF|1300|
Timbuktu|timbuktu,tombouctou|AF|AF|1350|
Mali|mali,mali empire|AF|AF|1324|
Great Zimbabwe|great zimbabwe,zimbabwe|AF|AF|1350|S
Axum|axum,aksum|AF|AF|350|
Ethiopia|ethiopia,abyssinia,addis ababa|AF|AF|1896|
Benin City|benin city,kingdom of benin|AF|AF|1500|
Kilwa|kilwa|AF|AF|1330|S
Zanzibar|zanzibar|AF|AF|1850|S
Cape Town|cape town,cape of good hope|AF|AF|1900|S
Johannesburg|johannesburg,soweto|AF|AF|1976|S
South Africa|south africa|AF|AF|1990|S
Lagos|lagos,nigeria|AF|AF|1960|
Nairobi|nairobi,kenya|AF|AF|1963|S
Kinshasa|kinshasa,congo|AF|AF|1960|S
Ghana|ghana,accra,gold coast|AF|AF|1957|
Mohenjo-daro|mohenjo daro,harappa,indus valley|SA|AS|-2500|
Pataliputra|pataliputra,magadha|SA|AS|-250|
Varanasi|varanasi,benares,kashi|SA|AS|500|
Delhi|delhi,new delhi|SA|AS|1947|
Agra|agra,taj mahal|SA|AS|1650|
Bombay|bombay,mumbai|SA|AS|1900|
Calcutta|calcutta,kolkata|SA|AS|1900|
Madras|madras,chennai|SA|AS|1750|
Vijayanagara|vijayanagara,hampi|SA|AS|1520|
Thanjavur|thanjavur,tanjore|SA|AS|1010|
Nalanda|nalanda|SA|AS|640|
India|india,hindustan|SA|AS|1600|
Kathmandu|kathmandu,nepal|SA|AS|1900|
Lhasa|lhasa,tibet|EA|AS|1650|
Sri Lanka|sri lanka,ceylon,anuradhapura|SA|AS|200|
Xi'an|xian,chang an,changan|EA|AS|750|
Luoyang|luoyang|EA|AS|100|
Beijing|beijing,peking,dadu,khanbaliq|EA|AS|1420|
Forbidden City|forbidden city|EA|AS|1420|
Nanjing|nanjing,nanking|EA|AS|1400|
Hangzhou|hangzhou,lin an|EA|AS|1200|
Shanghai|shanghai|EA|AS|1930|
Canton|canton,guangzhou|EA|AS|1840|
Hong Kong|hong kong|EA|AS|1997|
Great Wall of China|great wall|EA|AS|1550|
China|china,middle kingdom|EA|AS|1100|
Kyoto|kyoto,heian kyo|EA|AS|1000|
Nara|nara|EA|AS|750|
Edo|edo|EA|AS|1700|
Tokyo|tokyo|EA|AS|1964|
Hiroshima|hiroshima|EA|AS|1945|
Osaka|osaka|EA|AS|1600|
Japan|japan,nippon|EA|AS|1600|
Seoul|seoul,hanyang|EA|AS|2000|
Korea|korea,joseon,goryeo|EA|AS|1450|
Karakorum|karakorum,mongolia|EA|AS|1235|
Angkor|angkor,angkor wat,khmer|EA|AS|1150|
Ayutthaya|ayutthaya,siam|EA|AS|1600|
Bagan|bagan,pagan burma|EA|AS|1100|
Hanoi|hanoi,vietnam|EA|AS|1950|
Malacca|malacca,melaka|EA|AS|1500|
Java|majapahit,borobudur|EA|AS|850|S
Bali|bali|EA|AS|1900|S
Manila|manila,philippines|EA|AS|1600|
London|london,londinium|EU|EU|1666|
Paris|paris,lutetia|EU|EU|1789|
Versailles|versailles|EU|EU|1700|
Berlin|berlin|EU|EU|1989|
Vienna|vienna,wien|EU|EU|1683|
Prague|prague,praha|EU|EU|1600|
Venice|venice,venezia|EU|EU|1500|
Florence|florence,firenze|EU|EU|1480|
Milan|milan,milano|EU|EU|1495|
Naples|naples,napoli|EU|EU|1650|
Madrid|madrid|EU|EU|1650|
Seville|seville,sevilla|EU|EU|1550|
Lisbon|lisbon,lisboa|EU|EU|1755|
Amsterdam|amsterdam|EU|EU|1650|
Brussels|brussels,bruxelles|EU|EU|2019|
Bruges|bruges,brugge|EU|EU|1400|
Moscow|moscow,moskva|EU|EU|1812|
St Petersburg|st petersburg,saint petersburg,petrograd,leningrad|EU|EU|1917|
Kyiv|kyiv,kiev|EU|EU|988|
Warsaw|warsaw,warszawa|EU|EU|1944|
Stockholm|stockholm|EU|EU|1700|
Copenhagen|copenhagen|EU|EU|1800|
Uppsala|uppsala,scandinavia|EU|EU|900|
Dublin|dublin|EU|EU|1916|
Edinburgh|edinburgh,scotland|EU|EU|1750|
York|york,jorvik|EU|EU|950|
Canterbury|canterbury|EU|EU|1170|
Oxford|oxford|EU|EU|1350|
Aachen|aachen,aix la chapelle|EU|EU|800|
Mainz|mainz|EU|EU|1455|
Wittenberg|wittenberg|EU|EU|1517|
Geneva|geneva,geneve|EU|EU|1550|
Jerusalem Temple Mount|temple mount|ME|AS|30|
Normandy|normandy|EU|EU|1944|
Waterloo|waterloo|EU|EU|1815|
Sarajevo|sarajevo|EU|EU|1914|
Crete|crete,knossos|EU|EU|-1600|
Mycenae|mycenae|EU|EU|-1250|
Olympia|olympia|EU|EU|-400|
Delphi|delphi|EU|EU|-450|
Sicily|sicily,syracuse|EU|EU|-213|
Greece|greece,ancient greece,hellas|EU|EU|-430|
Italy|italy|EU|EU|1500|
France|france,gaul|EU|EU|1789|
England|england,britain,britannia|EU|EU|1600|
Germany|germany|EU|EU|1900|
Spain|spain,hispania|EU|EU|1550|
Iceland|iceland,thingvellir|EU|EU|1000|
Tenochtitlan|tenochtitlan|AM|NA|1490|
Mexico City|mexico city,mexico|AM|NA|1910|
Teotihuacan|teotihuacan|AM|NA|450|
Chichen Itza|chichen itza,yucatan|AM|NA|1000|
Tikal|tikal,maya|AM|NA|750|
Cusco|cusco,cuzco,inca|AM|SA|1480|S
Machu Picchu|machu picchu|AM|SA|1450|S
Lima|lima,peru|AM|SA|1600|S
Potosi|potosi,bolivia|AM|SA|1600|S
Rio de Janeiro|rio de janeiro,rio|AM|SA|1900|S
Buenos Aires|buenos aires,argentina|AM|SA|1910|S
Santiago|santiago,chile,atacama|AM|SA|1900|S
Brazil|brazil|AM|SA|1800|S
Havana|havana,cuba|AM|NA|1959|
Haiti|haiti,saint domingue|AM|NA|1791|
Cahokia|cahokia,mississippian|AM|NA|1100|
Jamestown|jamestown,virginia|AM|NA|1607|
Plymouth|plymouth rock,plymouth colony|AM|NA|1620|
Boston|boston|AM|NA|1775|
Philadelphia|philadelphia|AM|NA|1776|
New York|new york,manhattan,new amsterdam|AM|NA|1925|
Washington|washington dc,washington d c,white house|AM|NA|1963|
Chicago|chicago|AM|NA|1893|
New Orleans|new orleans|AM|NA|1815|
San Francisco|san francisco|AM|NA|1906|
Los Angeles|los angeles,hollywood|AM|NA|1950|
Gettysburg|gettysburg|AM|NA|1863|
Kitty Hawk|kitty hawk|AM|NA|1903|
Cape Canaveral|cape canaveral,cape kennedy,kennedy space center|AM|NA|1969|
Houston|houston,mission control|AM|NA|1969|
Montreal|montreal,quebec|AM|NA|1760|
Sydney|sydney,botany bay,port jackson|OC|OC|1788|S
Melbourne|melbourne|OC|OC|1880|S
Australia|australia|OC|OC|1850|S
Aotearoa|aotearoa,new zealand,wellington,auckland|OC|OC|1840|S
Hawaii|hawaii,honolulu,pearl harbor|OC|OC|1941|
Tahiti|tahiti|OC|OC|1770|S
Easter Island|easter island,rapa nui|OC|OC|1500|S
The Alps|alps,alpine pass,great st bernard|EU|EU|1800|
The Himalaya|himalaya,himalayas,everest|SA|AS|1953|
The Sahara|sahara,sahara desert|ME|AF|1350|
The Nile|nile,river nile|ME|AF|-1350|
The Mediterranean|mediterranean,mediterranean sea|EU|EU|1571|
The Rhine|rhine|EU|EU|1945|
The Danube|danube|EU|EU|1683|
The Andes|andes|AM|SA|1532|S
The Caribbean|caribbean,west indies|AM|NA|1715|
The Atlantic|atlantic,atlantic ocean|EU|EU|1912|
The Pacific|pacific ocean|OC|OC|1770|
The Amazon|amazon rainforest,amazon river|AM|SA|1540|S
The Moon|the moon,lunar surface,sea of tranquility|AM|SP|1969|
"""

    let private regionOf =
        function
        | "EU" -> Region.europe
        | "ME" -> Region.mena
        | "AF" -> Region.subSaharan
        | "SA" -> Region.southAsia
        | "EA" -> Region.eastAsia
        | "AM" -> Region.americas
        | _ -> Region.oceania

    let private continentOf =
        function
        | "EU" -> "Europe"
        | "AS" -> "Asia"
        | "AF" -> "Africa"
        | "NA" -> "North America"
        | "SA" -> "South America"
        | "SP" -> "Space"
        | _ -> "Oceania"

    let private parse (line: string) =
        match line.Split '|' with
        | [| name; keys; region; continent; hint; southern |] ->
            Some {
                Name = name
                Keys = keys.Split ',' |> Array.map Text.normalise |> List.ofArray
                Region = regionOf region
                Continent = continentOf continent
                YearHint =
                    (match int hint with
                     | 0 -> None
                     | y -> Some y)
                Southern = (southern = "S")
            }
        | _ -> None

    /// Every known place.
    let all: Place list =
        table.Split('\n', System.StringSplitOptions.RemoveEmptyEntries)
        |> Array.choose (fun l -> parse (l.Trim()))
        |> List.ofArray

    /// Longest key first, so "new york" beats "york" and "mexico city" beats "mexico".
    let private byKeyLength =
        all
        |> List.collect (fun p -> p.Keys |> List.map (fun k -> k, p))
        |> List.sortByDescending (fun (k, _) -> k.Length)

    /// The places a normalised query names, longest match first, each once.
    let findAll (normalisedQuery: string) =
        byKeyLength
        |> List.filter (fun (k, _) -> Text.containsPhrase normalisedQuery k)
        |> List.map snd
        |> List.distinctBy (fun p -> p.Name)

    /// The most specific place a normalised query names.
    let tryFind (normalisedQuery: string) = findAll normalisedQuery |> List.tryHead

    /// The place whose name or key matches a free-text location (e.g. a timeline location).
    let tryResolve (location: string) = tryFind (Text.normalise location)
