namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash

/// Chat session storage over one Database.
type SessionRows = {
    Append: SessionAppend -> Task<Result<unit, DbError>>
    Get: Guid -> Task<Result<ChatSession option, DbError>>
    List: Guid -> Task<Result<SessionSummary list, DbError>>
    Delete: Guid -> Task<Result<bool, DbError>>
}

/// SQL for chat_sessions and chat_messages.
[<RequireQualifiedAccess>]
module Sessions =
    /// Database text of a message role.
    let roleName =
        function
        | MessageRole.User -> "user"
        | MessageRole.Character -> "character"

    let private role (s: string) =
        match s with
        | "user" -> Ok MessageRole.User
        | "character" -> Ok MessageRole.Character
        | other -> Error(DbError.Corrupt $"chat_messages has an unknown role \"{other}\"")

    // The session row is created when new, then bumped: the UPDATE takes the row's write lock (PostgreSQL) or the
    // database's (SQLite, BEGIN IMMEDIATE), so concurrent appends to one session run one after another and each
    // numbers its messages after the other's.
    let private append (db: Database) (a: SessionAppend) =
        Db.transact db (fun s -> task {
            let! _ =
                Db.execute s """
                    INSERT INTO chat_sessions (id, timepoint_id, character_name, message_count, created_at, updated_at)
                    VALUES (@id, @timepoint_id, @character_name, 0, @at, @at)
                    ON CONFLICT (id) DO NOTHING
                    """ [
                    "id", Sql.uuid a.SessionId
                    "timepoint_id", Sql.uuid a.TimepointId
                    "character_name", Sql.text a.CharacterName
                    "at", Sql.timestamp a.At
                ]

            let! count =
                Db.scalarInt64 s """
                    UPDATE chat_sessions SET message_count = message_count + @n, updated_at = @at
                    WHERE id = @id
                    RETURNING message_count
                    """ [
                    "id", Sql.uuid a.SessionId
                    "n", Sql.int a.Messages.Length
                    "at", Sql.timestamp a.At
                ]

            let first = int count - a.Messages.Length + 1

            for i, m in List.indexed a.Messages do
                let! _ =
                    Db.execute s """
                        INSERT INTO chat_messages (session_id, seq, role, content, character_name, created_at)
                        VALUES (@session_id, @seq, @role, @content, @character_name, @created_at)
                        """ [
                        "session_id", Sql.uuid a.SessionId
                        "seq", Sql.int (first + i)
                        "role", Sql.text (roleName m.Role)
                        "content", Sql.text m.Content
                        "character_name", Sql.textOrNone m.CharacterName
                        "created_at", Sql.timestamp m.At
                    ]

                ()

            return Ok()
        })

    let private message (r: Row) =
        role (r.text "role")
        |> Result.map (fun role -> {
            Role = role
            Content = r.text "content"
            CharacterName = r.textOrNone "character_name"
            At = r.timestamp "created_at"
        })

    let private get (db: Database) (id: Guid) = task {
        let! found =
            Db.run db (fun s -> task {
                let! head =
                    Db.queryOption
                        s
                        "SELECT id, timepoint_id, character_name, created_at, updated_at FROM chat_sessions WHERE id = @id"
                        [ "id", Sql.uuid id ]
                        (fun r ->
                            r.uuid "timepoint_id",
                            r.text "character_name",
                            r.timestamp "created_at",
                            r.timestamp "updated_at")

                match head with
                | None -> return Ok None
                | Some(timepoint, name, created, updated) ->
                    let! rows =
                        Db.query
                            s
                            """
                        SELECT role, content, character_name, created_at FROM chat_messages
                        WHERE session_id = @id ORDER BY seq
                        """
                            [ "id", Sql.uuid id ]
                            message

                    return
                        rows
                        |> List.sequenceResultM
                        |> Result.map (fun messages ->
                            Some {
                                Id = id
                                TimepointId = timepoint
                                CharacterName = name
                                Messages = messages
                                CreatedAt = created
                                UpdatedAt = updated
                            })
            })

        return found |> Result.bind (fun r -> r)
    }

    let private list (db: Database) (timepoint: Guid) =
        Db.run db (fun s ->
            Db.query s """
                SELECT c.id, c.character_name, c.message_count, c.created_at, c.updated_at,
                       (SELECT m.content FROM chat_messages m
                        WHERE m.session_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_content
                FROM chat_sessions c
                WHERE c.timepoint_id = @timepoint
                ORDER BY c.updated_at DESC, c.id
                """ [ "timepoint", Sql.uuid timepoint ] (fun r -> {
                Id = r.uuid "id"
                TimepointId = timepoint
                CharacterName = r.text "character_name"
                MessageCount = r.int "message_count"
                LastPreview = r.textOrNone "last_content" |> Option.map (String.truncate 50)
                CreatedAt = r.timestamp "created_at"
                UpdatedAt = r.timestamp "updated_at"
            }))

    let private delete (db: Database) (id: Guid) =
        Db.run db (fun s -> task {
            let! n = Db.execute s "DELETE FROM chat_sessions WHERE id = @id" [ "id", Sql.uuid id ]
            return n > 0
        })

    /// The session store over a database.
    let store (db: Database) : SessionRows = {
        Append = append db
        Get = get db
        List = list db
        Delete = delete db
    }
