namespace TimepointFlash

open System

/// A region whose calendar rules one place followed: the day it last used the Julian calendar and the day it
/// first used the Gregorian one (historical years). DualYears marks the English legal year, which began on
/// 25 March before 1752, so that 1 January – 24 March carry two years ("1648/9").
type CalendarRegion = {
    Id: string
    Name: string
    LastJulian: int * int * int
    FirstGregorian: int * int * int
    DualYears: bool
    Source: string
}

/// How a place was read: a known place and its region, or an unknown place under the universal 1582 rule.
[<RequireQualifiedAccess>]
type PlaceRule =
    | Known of place: string * region: CalendarRegion
    | Unknown of text: string

/// The region table (data, with sources) and the place -> region table. Switches: docs/TEMPORAL.md.
[<RequireQualifiedAccess>]
module CalendarRegions =
    let private region id name lastJulian firstGregorian source = {
        Id = id
        Name = name
        LastJulian = lastJulian
        FirstGregorian = firstGregorian
        DualYears = false
        Source = source
    }

    let private bull =
        "Inter gravissimas (Gregory XIII, 24 February 1582); Blackburn & Holford-Strevens, The Oxford Companion to the Year (1999)"

    let private companion =
        "Blackburn & Holford-Strevens, The Oxford Companion to the Year (1999)"

    /// The rule for a place we do not know: the Gregorian reform as the bull decreed it (4 → 15 October 1582).
    let universal =
        region "universal" "the universal 1582 rule" (1582, 10, 4) (1582, 10, 15) bull

    /// Every region, earliest switch first (universal last).
    let all = [
        region "spain" "Spain" (1582, 10, 4) (1582, 10, 15) bull
        region "portugal" "Portugal" (1582, 10, 4) (1582, 10, 15) bull
        region "italy" "the Italian states" (1582, 10, 4) (1582, 10, 15) bull
        region "poland" "Poland–Lithuania" (1582, 10, 4) (1582, 10, 15) bull
        region "france" "France" (1582, 12, 9) (1582, 12, 20) $"Edict of Henri III (3 November 1582); {companion}"
        region
            "catholic-low-countries"
            "the Catholic Low Countries (Brabant, Flanders)"
            (1582, 12, 21)
            (1583, 1, 1)
            $"Placard of the Archduke (1582); {companion}"
        region "holland" "Holland and Zeeland" (1583, 1, 1) (1583, 1, 12) $"States of Holland (1582); {companion}"
        region
            "catholic-germany"
            "the Catholic German states (Bavaria)"
            (1583, 10, 5)
            (1583, 10, 16)
            $"Bavarian mandate (1583); {companion}"
        region "austria" "Austria and Bohemia" (1584, 1, 6) (1584, 1, 17) $"Patent of Rudolf II (1583); {companion}"
        region "hungary" "Hungary" (1587, 10, 21) (1587, 11, 1) $"Diet of Pressburg (1587); {companion}"
        region
            "protestant-germany"
            "the Protestant German states"
            (1700, 2, 18)
            (1700, 3, 1)
            $"Corpus Evangelicorum, Regensburg (1699), the 'improved calendar'; {companion}"
        region
            "denmark-norway"
            "Denmark–Norway"
            (1700, 2, 18)
            (1700, 3, 1)
            $"Royal ordinance of Christian V (1699); {companion}"
        region
            "dutch-provinces"
            "the Dutch provinces of Utrecht and Overijssel"
            (1700, 11, 30)
            (1700, 12, 12)
            $"Provincial resolutions (1700); {companion}"
        {
            region
                "great-britain"
                "Great Britain, Ireland and the colonies"
                (1752, 9, 2)
                (1752, 9, 14)
                "Calendar (New Style) Act 1750, 24 Geo. II c. 23" with
                DualYears = true
        }
        region
            "sweden"
            "Sweden and Finland"
            (1753, 2, 17)
            (1753, 3, 1)
            $"Royal ordinance (1753), after the Swedish calendar of 1700–1712; {companion}"
        region
            "alaska"
            "Alaska"
            (1867, 10, 5)
            (1867, 10, 18)
            "Treaty of Cession, transfer at Sitka on 18 October 1867 (the date-line shift is not modelled)"
        // Japan and China went from lunisolar calendars (not modelled) to the Gregorian; the Western dates
        // historians give for them follow the 1582 rule, so that is their switch here.
        region
            "japan"
            "Japan (lunisolar calendar until 1 January 1873)"
            (1582, 10, 4)
            (1582, 10, 15)
            "Meiji government decree of 9 November 1872 (Meiji 5): Gregorian from 1 January 1873"
        region
            "china"
            "China (lunisolar calendar until 1 January 1912)"
            (1582, 10, 4)
            (1582, 10, 15)
            "Provisional Government of the Republic of China: Gregorian from 1 January 1912"
        region "bulgaria" "Bulgaria" (1916, 3, 31) (1916, 4, 14) $"Law of 1916; {companion}"
        region
            "russia"
            "Russia"
            (1918, 1, 31)
            (1918, 2, 14)
            "Decree of the Council of People's Commissars, 24 January 1918 (Old Style)"
        region "romania" "Romania" (1919, 3, 31) (1919, 4, 14) $"Decree of 1919; {companion}"
        region
            "yugoslavia"
            "Yugoslavia (Serbia, Montenegro)"
            (1919, 1, 14)
            (1919, 1, 28)
            $"Kingdom of Serbs, Croats and Slovenes (1919); {companion}"
        region "greece" "Greece" (1923, 2, 15) (1923, 3, 1) $"Law of 1923 (civil calendar); {companion}"
        region
            "turkey"
            "Turkey"
            (1925, 12, 18)
            (1926, 1, 1)
            "Law 698 of 26 December 1925 (civil Gregorian calendar from 1 January 1926)"
    ]

    /// The region with this id, if any (universal included).
    let tryFind (id: string) =
        universal :: all |> List.tryFind (fun r -> r.Id = id)

    /// JDN of the region's first Gregorian day.
    let switchJdn (r: CalendarRegion) =
        let y, m, d = r.FirstGregorian
        JulianDay.ofGregorian (JulianDay.toAstronomical (int64 y)) (int64 m) (int64 d)

    /// JDN of the region's last Julian day.
    let lastJulianJdn (r: CalendarRegion) =
        let y, m, d = r.LastJulian
        JulianDay.ofJulian (JulianDay.toAstronomical (int64 y)) (int64 m) (int64 d)

    // ---------------------------------------------------------------------------------------------
    // Places

    /// Region id | comma-separated place names (cities, countries, historical names), lower case.
    let private placeTable =
        """
spain|spain,madrid,seville,sevilla,toledo,barcelona,valencia,granada,castile,aragon,cordoba,salamanca
portugal|portugal,lisbon,lisboa,porto,coimbra
italy|italy,rome,roma,vatican,papal states,florence,firenze,venice,venezia,milan,milano,naples,napoli,genoa,turin,pisa,bologna,sicily,palermo,siena,padua,verona,ravenna,pompeii
poland|poland,warsaw,krakow,cracow,lithuania,vilnius,wilno,gdansk,danzig
france|france,paris,versailles,lyon,marseille,bordeaux,orleans,reims,rouen,normandy,toulouse,nantes,avignon,quebec,montreal,new orleans
catholic-low-countries|belgium,brussels,antwerp,bruges,ghent,flanders,brabant,luxembourg,waterloo,leuven
holland|holland,netherlands,amsterdam,rotterdam,the hague,delft,leiden,haarlem,zeeland,middelburg
catholic-germany|bavaria,munich,cologne,koln,mainz,trier,wurzburg,augsburg,regensburg
austria|austria,vienna,wien,salzburg,innsbruck,bohemia,prague,praha
hungary|hungary,budapest,buda,pest,pressburg,bratislava
protestant-germany|germany,berlin,prussia,potsdam,saxony,dresden,leipzig,hamburg,wittenberg,weimar,frankfurt,nuremberg,brandenburg,hanover,bremen,lubeck,konigsberg,worms
denmark-norway|denmark,copenhagen,norway,oslo,christiania,bergen,iceland,reykjavik
dutch-provinces|utrecht,overijssel,deventer,zwolle
great-britain|england,britain,great britain,united kingdom,uk,scotland,wales,ireland,london,westminster,whitehall,edinburgh,glasgow,dublin,oxford,cambridge,york,bristol,canterbury,plymouth,manchester,liverpool,boston,philadelphia,new york,virginia,jamestown,williamsburg,massachusetts,new england,charleston,pennsylvania,maryland,mount vernon,united states,usa
sweden|sweden,stockholm,uppsala,finland,helsinki,turku,abo
alaska|alaska,sitka,juneau,anchorage
japan|japan,tokyo,edo,kyoto,osaka,hiroshima,nagasaki,nara,kamakura,yokohama
china|china,beijing,peking,shanghai,nanjing,nanking,canton,guangzhou,xian,chang'an,wuchang
bulgaria|bulgaria,sofia,plovdiv,varna
russia|russia,moscow,petrograd,saint petersburg,st petersburg,st. petersburg,leningrad,winter palace,kremlin,novgorod,kazan,kiev,kyiv,ukraine,odessa,yekaterinburg,tsaritsyn,stalingrad,soviet union,ussr,siberia,minsk
romania|romania,bucharest,iasi,wallachia,moldavia
yugoslavia|yugoslavia,serbia,belgrade,montenegro,cetinje,skopje,macedonia
greece|greece,athens,thessaloniki,salonica,crete,corinth,delphi,olympia,sparta,thebes greece
turkey|turkey,istanbul,constantinople,ankara,ottoman empire,anatolia,smyrna,izmir,gallipoli
"""

    /// (place name, region) pairs, longest name first so "new york" wins over "york".
    let places =
        placeTable.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
        |> Array.toList
        |> List.collect (fun line ->
            match line.Split('|') with
            | [| id; names |] ->
                match tryFind id with
                | Some r -> names.Split(',') |> Array.toList |> List.map (fun n -> n.Trim(), r)
                | None -> []
            | _ -> [])
        |> List.sortByDescending (fun (name, _) -> name.Length)

    /// The words of a text: lower case, diacritics dropped, anything but letters, digits and apostrophes a space.
    let private words (text: string) =
        let source = if isNull text then "" else text
        let b = Text.StringBuilder(source.Length)

        for c in source do
            let c = Char.ToLowerInvariant c

            match LatinFold.table.TryGetValue c with
            | true, plain -> b.Append plain |> ignore
            | _ -> b.Append(if Char.IsLetterOrDigit c || c = '\'' then c else ' ') |> ignore

        b.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)

    /// Place names as words, indexed by their first word.
    let private index =
        lazy
            (places
             |> List.map (fun (name, r) -> words name, (name, r))
             |> List.filter (fun (w, _) -> w.Length > 0)
             |> List.groupBy (fun (w, _) -> w[0])
             |> dict)

    /// The region of a place, found afresh (see ofPlace).
    let private findPlace (text: string) : PlaceRule =
        let ws = words text
        let idx = index.Force()

        let matches = [
            for i in 0 .. ws.Length - 1 do
                match idx.TryGetValue ws[i] with
                | true, candidates ->
                    for key, hit in candidates do
                        if i + key.Length <= ws.Length && Array.forall2 (=) key ws[i .. i + key.Length - 1] then
                            yield hit
                | _ -> ()
        ]

        match matches with
        | [] -> PlaceRule.Unknown(if isNull text then "" else text.Trim())
        | _ -> PlaceRule.Known(matches |> List.maxBy (fun (name, _) -> name.Length))

    /// Places already read (a cache of a pure function: the same text always gives the same rule), emptied when
    /// it grows past a few thousand texts.
    let private seen =
        System.Collections.Concurrent.ConcurrentDictionary<string, PlaceRule>(StringComparer.Ordinal)

    /// The region of a place (a city or country, anywhere in the text as whole words, longest name first);
    /// an unknown place follows the universal 1582 rule and says so.
    let ofPlace (text: string) : PlaceRule =
        let key = if isNull text then "" else text

        match seen.TryGetValue key with
        | true, rule -> rule
        | _ ->
            let rule = findPlace key

            if seen.Count > 4096 then
                seen.Clear()

            seen[key] <- rule
            rule

    /// The region a place rule applies.
    let regionOf (rule: PlaceRule) =
        match rule with
        | PlaceRule.Known(_, r) -> r
        | PlaceRule.Unknown _ -> universal
