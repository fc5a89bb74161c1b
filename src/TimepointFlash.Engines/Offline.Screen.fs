namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// Why a query is not a moment in time.
[<RequireQualifiedAccess>]
type RejectKind =
    | Empty
    | Technical
    | HowTo
    | Personal
    | Abstract
    | Entertainment
    | TooVague

/// A refused query with a reason and a temporal query the user could try instead.
type Rejection = {
    Kind: RejectKind
    Reason: string
    Suggestion: string
}

/// The screening verdict on a query.
[<RequireQualifiedAccess>]
type Verdict =
    | Accepted of QueryType
    | Rejected of Rejection

/// Non-temporal detection: how-to, technical, personal, abstract and joke requests without a time or place.
[<RequireQualifiedAccess>]
module Screen =
    let private any (q: string) (phrases: string list) =
        phrases |> List.exists (Text.containsPhrase q)

    let private startsWithAny (q: string) (prefixes: string list) =
        prefixes |> List.exists (fun p -> q = p || q.StartsWith(p + " "))

    let private technical = [
        "python"
        "javascript"
        "typescript"
        "java program"
        "code"
        "coding"
        "script"
        "write a program"
        "write me a program"
        "programming"
        "sql"
        "database"
        "api"
        "compile"
        "compiler"
        "debug"
        "html"
        "css"
        "regex"
        "excel"
        "spreadsheet"
        "linux"
        "install"
        "software"
        "algorithm"
        "json"
        "docker"
        "kubernetes"
        "stack trace"
        "unit test"
        "golang"
        "fsharp"
        "csharp"
    ]

    let private howTo = [
        "how do i"
        "how to"
        "how can i"
        "how should i"
        "how do you"
        "what s the best way"
        "recipe"
        "steps to"
        "tips for"
        "teach me"
        "help me"
        "can you help"
        "guide to"
    ]

    // Questions to the service or for advice: no moment to stage.
    let private personal = [
        "i feel"
        "should i"
        "am i"
        "do you"
        "are you"
        "who are you"
        "your name"
    ]

    // A moment of one's own life: personal is no reason to reject, it is staged as a present-day scene.
    let private personalMoment = [
        "my"
        "i am"
        "i m"
        "me"
        "mine"
        "my life"
        "boyfriend"
        "girlfriend"
        "homework"
    ]

    let private abstractWords = [
        "what is"
        "what are"
        "meaning of"
        "define"
        "definition"
        "explain"
        "why do"
        "why is"
        "love"
        "happiness"
        "consciousness"
        "truth"
        "the universe"
        "existence"
        "purpose of life"
        "free will"
    ]

    let private entertainment = [ "joke"; "jokes"; "riddle"; "poem"; "limerick"; "lyrics"; "pun"; "funny" ]

    let private speculative = [
        "what if"
        "imagine if"
        "suppose"
        "alternate history"
        "alternative history"
        "had never"
        "never fell"
        "had won"
        "had lost"
        "never happened"
        "if the"
        "in an alternate"
        "future"
        "year 3000"
    ]

    let private fictional = [
        "fictional"
        "fantasy"
        "fairy tale"
        "legend of"
        "myth of"
        "middle earth"
        "hogwarts"
        "narnia"
        "westeros"
        "sherlock"
        "hobbit"
        "hobbits"
        "dragon"
        "dragons"
        "wizard"
        "wizards"
        "elves"
        "starship"
        "atlantis"
        "camelot"
        "king arthur"
        "robin hood"
        "odysseus"
        "dracula"
        "game of thrones"
        "red wedding"
        "lord of the rings"
        "star wars"
        "harry potter"
        "from the novel"
        "from the book"
        "from the film"
        "from the movie"
        "from the series"
        "from the show"
    ]

    /// True when the query reads as alternate history or a hypothetical.
    let isSpeculative (normalisedQuery: string) = any normalisedQuery speculative

    /// True when the query names fiction, myth or fantasy.
    let isFictional (normalisedQuery: string) = any normalisedQuery fictional

    let private reject kind reason suggestion =
        Verdict.Rejected {
            Kind = kind
            Reason = reason
            Suggestion = suggestion
        }

    /// What kind of valid query this is, given the year it resolves to (if any).
    let queryType (normalisedQuery: string) (year: int option) =
        if isSpeculative normalisedQuery then
            QueryType.Speculative
        elif isFictional normalisedQuery then
            QueryType.Fictional
        else
            match year with
            | Some y when y > 2026 -> QueryType.Speculative
            | Some y when y >= 2000 -> QueryType.Contemporary
            | _ -> QueryType.Historical

    /// Screens a query. strongAnchor: a known moment or an explicit date; anchored: any year, place, figure or era word.
    let classify
        (k: Knowledge)
        (seed: uint32)
        (normalisedQuery: string)
        (strongAnchor: bool)
        (anchored: bool)
        (year: int option)
        =
        let q = normalisedQuery
        let suggestion () = Suggest.forQuery k seed q
        let kind () = queryType q year

        if q = "" then
            reject RejectKind.Empty "The query is empty; describe a moment in time." (suggestion ())
        elif strongAnchor then
            Verdict.Accepted(kind ())
        elif anchored || isSpeculative q || isFictional q then
            Verdict.Accepted(kind ())
        elif any q technical then
            reject
                RejectKind.Technical
                "This is a technical or programming request, not a moment in time; the offline engine only renders historical, fictional or speculative scenes."
                (suggestion ())
        elif startsWithAny q howTo || any q howTo then
            reject RejectKind.HowTo "This is a how-to question with no time or place to travel to." (suggestion ())
        elif any q entertainment then
            reject
                RejectKind.Entertainment
                "Jokes, poems and riddles are not moments in time; try a scene where one is told."
                (suggestion ())
        elif any q abstractWords then
            reject
                RejectKind.Abstract
                "This asks about an abstract idea, not a moment anchored in time and place."
                (suggestion ())
        elif any q personal then
            reject
                RejectKind.Personal
                "This is a personal question; a timepoint needs a historical, fictional or speculative moment."
                (suggestion ())
        elif any q personalMoment then
            Verdict.Accepted QueryType.Contemporary
        else
            reject
                RejectKind.TooVague
                "The query names no time, place, person or event to anchor a scene."
                (suggestion ())
