namespace TimepointFlash.Engines.Offline

/// A period named by a word rather than a number ("medieval", "viking", "victorian").
type EraHint = {
    Phrase: string
    Year: int
    Region: string option
}

/// Query → known moment scoring, named-figure detection and era words.
[<RequireQualifiedAccess>]
module Match =
    /// The least score at which a known moment is taken as the query's subject.
    let threshold = 6

    let private aliasScore (q: string) (m: KnownMoment) =
        m.Title :: m.Aliases
        |> List.filter (Text.containsPhrase q)
        |> List.map (fun a -> 6 + 2 * List.length (Text.words a))
        |> List.fold max 0

    let private keywordScore (q: string) (m: KnownMoment) =
        m.Keywords
        |> List.filter (Text.containsPhrase q)
        |> List.length
        |> (*) 3
        |> min 12

    // A vague query that is nothing but a moment's multi-word keyword ("french revolution") is expanded into that
    // concrete moment: the keyword then counts as much as an alias.
    let private vagueScore (q: string) (m: KnownMoment) =
        if List.length (Text.words q) >= 2 && List.contains q m.Keywords then
            threshold - 3
        else
            0

    let private yearScore (date: YearGuess option) (m: KnownMoment) =
        match date with
        | None -> 0
        | Some d ->
            let gap = abs (d.Year - m.Year)

            if gap = 0 then 4
            elif gap <= 1 then 2
            elif d.Approximate && gap <= 50 then 0
            else -12

    /// How strongly a normalised query points at a known moment (higher is stronger; can be negative).
    let score (normalisedQuery: string) (date: YearGuess option) (m: KnownMoment) =
        aliasScore normalisedQuery m
        + keywordScore normalisedQuery m
        + vagueScore normalisedQuery m
        + yearScore date m

    /// The best known moment at or above the threshold, ties broken by data order.
    let best (k: Knowledge) (normalisedQuery: string) (date: YearGuess option) =
        if normalisedQuery = "" then
            None
        else
            k.Moments
            |> List.map (fun m -> m, score normalisedQuery date m)
            |> List.filter (fun (_, s) -> s >= threshold)
            |> List.sortByDescending snd
            |> List.tryHead

    // Name parts too common (or too title-like) to identify one person on their own.
    let private weakTokens =
        set [
            "abraham"
            "adam"
            "andrew"
            "antoine"
            "baker"
            "banks"
            "bayeux"
            "begum"
            "benjamin"
            "bernard"
            "boulogne"
            "buzz"
            "capa"
            "carlos"
            "christopher"
            "conqueror"
            "cook"
            "cyril"
            "demis"
            "diviner"
            "edmund"
            "edward"
            "elder"
            "elizabeth"
            "emperor"
            "empress"
            "francis"
            "franz"
            "gene"
            "georges"
            "giovanni"
            "great"
            "harold"
            "heino"
            "hill"
            "howard"
            "hunt"
            "italy"
            "jacob"
            "james"
            "jerusalem"
            "jobs"
            "joseph"
            "katie"
            "khan"
            "khedive"
            "king"
            "lady"
            "laurence"
            "lord"
            "louis"
            "lucius"
            "luis"
            "mahatma"
            "mansa"
            "marcus"
            "marina"
            "mark"
            "marshal"
            "matthew"
            "michel"
            "neil"
            "nelson"
            "norman"
            "pasha"
            "paul"
            "peter"
            "pierre"
            "pope"
            "publius"
            "queen"
            "quintus"
            "samuel"
            "scott"
            "sebastian"
            "shah"
            "stan"
            "stanford"
            "stephen"
            "steve"
            "sultan"
            "taylor"
            "thomas"
            "ustad"
            "virginia"
            "ward"
            "wellington"
            "winnie"
            "younger"
        ]

    let private figureIndex =
        lazy
            (let k = Knowledge.embedded ()

             let named =
                 k.Moments
                 |> List.collect (fun m -> m.Participants |> List.map (fun p -> p, m))
                 |> List.filter (fun (p, _) -> not p.Anonymous)
                 |> List.distinctBy (fun (p, _) -> p.Name)

             let tokens =
                 named
                 |> List.collect (fun (p, m) ->
                     Text.words p.Name
                     |> List.filter (fun t -> t.Length >= 4 && not (weakTokens.Contains t))
                     |> List.map (fun t -> t, (p, m)))
                 |> List.groupBy fst
                 |> List.filter (fun (_, hits) ->
                     hits |> List.map (fun (_, (p, _)) -> p.Name) |> List.distinct |> List.length = 1)
                 |> List.map (fun (t, hits) -> t, snd (List.head hits))

             // Normalised once, so matching a query does not normalise every name again.
             let names = named |> List.map (fun (p, _) -> Text.normalise p.Name)

             named, tokens, names)

    /// Real people from the data named in a query: full names first, then distinctive single name parts.
    let figures (query: string) : (Participant * KnownMoment) list =
        let q = Text.normalise query

        if q = "" then
            []
        else
            let named, tokens, names = figureIndex.Force()

            let full =
                List.zip named names
                |> List.filter (fun (_, name) -> Text.containsPhrase q name)
                |> List.map fst

            let partial =
                tokens |> List.filter (fun (t, _) -> Text.containsPhrase q t) |> List.map snd

            full @ partial |> List.distinctBy (fun (p, _) -> p.Name) |> List.truncate 4

    let private hints = [
        "hobbit", 1200, Some Region.europe
        "hobbits", 1200, Some Region.europe
        "middle earth", 1200, Some Region.europe
        "dragon", 1200, Some Region.europe
        "dragons", 1200, Some Region.europe
        "wizard", 1200, Some Region.europe
        "elves", 1200, Some Region.europe
        "camelot", 520, Some Region.europe
        "king arthur", 520, Some Region.europe
        "robin hood", 1190, Some Region.europe
        "sherlock", 1891, Some Region.europe
        "dracula", 1897, Some Region.europe
        "atlantis", -1500, Some Region.europe
        "odysseus", -1200, Some Region.europe
        "stone age", -8000, None
        "ice age", -9500, Some Region.europe
        "prehistoric", -6000, None
        "neolithic", -4000, Some Region.europe
        "bronze age", -1500, Some Region.europe
        "iron age", -600, Some Region.europe
        "pyramids", -2560, Some Region.mena
        "pharaoh", -1350, Some Region.mena
        "pharaohs", -1350, Some Region.mena
        "ancient egypt", -1350, Some Region.mena
        "sumerian", -2400, Some Region.mena
        "ancient greece", -430, Some Region.europe
        "ancient greek", -430, Some Region.europe
        "spartan", -480, Some Region.europe
        "ancient rome", 50, Some Region.europe
        "roman empire", 100, Some Region.europe
        "roman republic", -100, Some Region.europe
        "gladiator", 80, Some Region.europe
        "gladiators", 80, Some Region.europe
        "legionary", 100, Some Region.europe
        "han dynasty", 100, Some Region.eastAsia
        "tang dynasty", 750, Some Region.eastAsia
        "song dynasty", 1100, Some Region.eastAsia
        "ming dynasty", 1500, Some Region.eastAsia
        "viking", 900, Some Region.europe
        "vikings", 900, Some Region.europe
        "byzantine", 550, Some Region.europe
        "caliphate", 850, Some Region.mena
        "crusade", 1190, Some Region.mena
        "crusades", 1190, Some Region.mena
        "crusader", 1190, Some Region.mena
        "medieval", 1250, Some Region.europe
        "middle ages", 1250, Some Region.europe
        "knight", 1300, Some Region.europe
        "knights", 1300, Some Region.europe
        "castle", 1300, Some Region.europe
        "feudal", 1200, Some Region.europe
        "black death", 1348, Some Region.europe
        "samurai", 1600, Some Region.eastAsia
        "shogun", 1650, Some Region.eastAsia
        "aztec", 1500, Some Region.americas
        "aztecs", 1500, Some Region.americas
        "maya", 750, Some Region.americas
        "mayan", 750, Some Region.americas
        "inca", 1480, Some Region.americas
        "mughal", 1600, Some Region.southAsia
        "ottoman", 1600, Some Region.mena
        "renaissance", 1500, Some Region.europe
        "elizabethan", 1590, Some Region.europe
        "pirate", 1715, Some Region.americas
        "pirates", 1715, Some Region.americas
        "colonial", 1750, Some Region.americas
        "french revolution", 1789, Some Region.europe
        "american revolution", 1776, Some Region.americas
        "industrial revolution", 1830, Some Region.europe
        "victorian", 1880, Some Region.europe
        "gold rush", 1849, Some Region.americas
        "wild west", 1875, Some Region.americas
        "civil war", 1863, Some Region.americas
        "world war i", 1916, Some Region.europe
        "world war 1", 1916, Some Region.europe
        "first world war", 1916, Some Region.europe
        "ww1", 1916, Some Region.europe
        "roaring twenties", 1925, Some Region.americas
        "great depression", 1932, Some Region.americas
        "world war ii", 1943, Some Region.europe
        "world war 2", 1943, Some Region.europe
        "second world war", 1943, Some Region.europe
        "ww2", 1943, Some Region.europe
        "cold war", 1962, Some Region.europe
        "space race", 1965, Some Region.americas
        "space age", 1965, Some Region.americas
    ]

    let private longestFirst =
        hints |> List.sortByDescending (fun (p, _, _) -> p.Length)

    /// The first era word in a query ("a medieval market" → 1250, Europe).
    let eraHint (normalisedQuery: string) =
        longestFirst
        |> List.tryFind (fun (p, _, _) -> Text.containsPhrase normalisedQuery p)
        |> Option.map (fun (p, y, r) -> { Phrase = p; Year = y; Region = r })
