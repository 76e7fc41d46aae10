using System.Net;
using System.Text.Json;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;
using static Spheres.Tests.Infrastructure.MessageAssertions;

namespace Spheres.Tests.Webhooks;

/// <summary>
/// Telegram updates in the Bot API's documented shapes (Update, Message and its media, service and Business fields) against
/// API.md "What a customer message is": what a customer sent is stored with its content; everything else leaves no message,
/// no usage and no reply, even in closed hours, when every real message gets one.
/// </summary>
public sealed class TelegramMessageShapesTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    private static long _nextId = 4_200_000;
    private static long NextId() => Interlocked.Increment(ref _nextId);

    private async Task DeliverAsync(string url, string secret, string update) =>
        Assert.Equal(HttpStatusCode.OK, (await fixture.Host.Client.SendAsync(Deliveries.Signed(new Uri(url).AbsolutePath, update,
            ("X-Telegram-Bot-Api-Secret-Token", secret)))).StatusCode);

    /// <summary>An update of <paramref name="kind"/> whose Message has the usual head (private chat with <paramref name="chat"/>) and <paramref name="fields"/>.</summary>
    private string Update(long chat, long messageId, string fields, string kind = "message", string chatType = "private", long? from = null) => Fill("""
        {"update_id":@ID,"@KIND":{"message_id":@MESSAGE,"date":@NOW,
         "chat":{"id":@CHAT,"type":"@TYPE","first_name":"Оксана"},
         "from":{"id":@FROM,"is_bot":false,"first_name":"Оксана","last_name":"Коваль","language_code":"uk"},@FIELDS}}
        """, chat).Replace("@KIND", kind).Replace("@MESSAGE", messageId.ToString()).Replace("@TYPE", chatType)
        .Replace("@FROM", (from ?? chat).ToString()).Replace("@FIELDS", fields);

    /// <summary>A raw update with its placeholders filled: a new update id, now, and the chat.</summary>
    private string Fill(string update, long chat) => update.Replace("@ID", NextId().ToString())
        .Replace("@NOW", fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString()).Replace("@CHAT", chat.ToString());

    private async Task<Dictionary<string, JsonElement>> StoredAsync(TenantSession tenant) =>
        (await fixture.Host.GetJsonAsync(tenant, "/api/messages/?limit=200")).GetProperty("results").EnumerateArray()
            .ToDictionary(m => m.GetProperty("external_id").GetString()!);

    [Fact]
    public async Task Every_message_type_a_customer_sends_is_stored_with_its_content()
    {
        var (tenant, _, _, url, secret) = await fixture.ActiveTelegramAsync();
        const long chat = 5101;
        string[] shapes =
        [
            """ "text":"Можна на п'ятницю?" """,
            """ "photo":[{"file_id":"AgAD-small","file_unique_id":"s","width":90,"height":90},{"file_id":"AgAD-large","file_unique_id":"l","width":1280,"height":960}],"caption":"Ось такий манікюр" """,
            """ "voice":{"file_id":"AwAD-voice","file_unique_id":"v","duration":4,"mime_type":"audio/ogg"} """,
            """ "sticker":{"file_id":"CAAD-sticker","file_unique_id":"st","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false,"emoji":"💅"} """,
            """ "location":{"latitude":50.4501,"longitude":30.5234} """,
            """ "venue":{"location":{"latitude":50.45,"longitude":30.52},"title":"Салон на Хрещатику","address":"Хрещатик, 1"},"location":{"latitude":50.45,"longitude":30.52} """,
            """ "contact":{"phone_number":"+380501234567","first_name":"Ірина","last_name":"Шевчук","user_id":777} """,
            """ "document":{"file_id":"BQAD-doc","file_unique_id":"d","file_name":"price.pdf","mime_type":"application/pdf"} """,
            """ "animation":{"file_id":"CgAD-gif","file_unique_id":"g","width":1,"height":1,"duration":1,"mime_type":"video/mp4","file_name":"nails.mp4"},"document":{"file_id":"CgAD-gif","file_unique_id":"g","file_name":"nails.mp4","mime_type":"video/mp4"} """,
            """ "dice":{"emoji":"🎲","value":4} """,
            """ "story":{"chat":{"id":99,"type":"private"},"id":17} """,
            """ "forward_origin":{"type":"user","date":1700000000,"sender_user":{"id":8,"is_bot":false,"first_name":"Марія"}},"text":"Подруга радила вас" """,
            """ "reply_to_message":{"message_id":1,"date":1700000000,"chat":{"id":5101,"type":"private"},"text":"earlier"},"text":"Так, о 15:00" """,
        ];
        for (var i = 0; i < shapes.Length; i++) await DeliverAsync(url, secret, Update(chat, 100 + i, shapes[i].Trim()));

        var stored = await StoredAsync(tenant);
        Assert.Equal(shapes.Length, stored.Count);
        Assert.Equal(shapes.Length, await fixture.Host.UsageAsync(tenant));
        JsonElement At(int i) => stored[$"{chat}:{100 + i}"];
        AttachmentIs(At(1), "image", mediaId: "AgAD-large");
        Assert.Equal("Ось такий манікюр", At(1).GetProperty("text").GetString());
        AttachmentIs(At(2), "voice", mediaId: "AwAD-voice", mime: "audio/ogg");
        Assert.Equal("", At(2).GetProperty("text").GetString());
        AttachmentIs(At(3), "sticker", mediaId: "CAAD-sticker", name: "💅");
        var location = AttachmentIs(At(4), "location");
        Assert.Equal(50.4501, location.GetProperty("latitude").GetDouble());
        Assert.Equal(30.5234, location.GetProperty("longitude").GetDouble());
        AttachmentIs(At(5), "location", name: "Салон на Хрещатику");
        AttachmentIs(At(6), "contact", name: "Ірина Шевчук", url: "tel:+380501234567");
        AttachmentIs(At(7), "file", mediaId: "BQAD-doc", mime: "application/pdf", name: "price.pdf");
        AttachmentIs(At(8), "video", mediaId: "CgAD-gif", name: "nails.mp4"); // an animation, not also a file
        AttachmentIs(At(9), "other", name: "🎲");
        AttachmentIs(At(10), "story", mediaId: "17");
        AttachmentIs(At(11), "share", name: "Марія");
        Assert.Equal("Подруга радила вас", At(11).GetProperty("text").GetString());
        Assert.Equal($"{chat}:1", At(12).GetProperty("reply_to").GetString());
        Assert.Empty(At(0).GetProperty("attachments").EnumerateArray());
        var exported = (await fixture.Host.GetJsonAsync(tenant, "/api/accounts/export/")).GetProperty("messages").EnumerateArray()
            .ToDictionary(m => m.GetProperty("external_id").GetString()!);
        Assert.Equal("Оксана Коваль", exported[$"{chat}:101"].GetProperty("sender_name").GetString());
        Assert.Equal("AgAD-large", Assert.Single(exported[$"{chat}:101"].GetProperty("attachments").EnumerateArray()).GetProperty("media_id").GetString());
        Assert.Equal($"{chat}:1", exported[$"{chat}:112"].GetProperty("reply_to").GetString());

        var queued = (await Deliveries.DrainAsync(fixture.Azurite.ConnectionString, TableNames.AgentRequestsQueue))
            .Where(q => q.GetProperty("tenant_id").GetString() == tenant.TenantId).ToList();
        var photo = Assert.Single(queued, q => q.GetProperty("message_id").GetString() == At(1).GetProperty("id").GetString());
        Assert.Equal("AgAD-large", photo.GetProperty("attachments")[0].GetProperty("media_id").GetString());
        Assert.Equal($"{chat}:1", Assert.Single(queued, q => q.GetProperty("message_id").GetString() == At(12).GetProperty("id").GetString())
            .GetProperty("reply_to").GetString());
    }

    [Fact]
    public async Task Service_events_groups_and_channels_leave_no_message_usage_or_reply_in_closed_hours()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        const long chat = 5202, group = -1001234567890;
        string[] updates =
        [
            Update(group, 10, """ "pinned_message":{"message_id":9,"date":1700000000,"chat":{"id":-1001234567890,"type":"supergroup"},"text":"Правила"} """, chatType: "supergroup", from: 42),
            Update(group, 11, """ "text":"Хто сьогодні працює?" """, chatType: "supergroup", from: 42),
            Update(-4001, 12, """ "migrate_to_chat_id":-1001234567890 """, chatType: "group", from: 42),
            Update(group, 13, """ "video_chat_started":{} """, chatType: "supergroup", from: 42),
            Update(group, 14, """ "forum_topic_created":{"name":"Запис","icon_color":7322096} """, chatType: "supergroup", from: 42),
            Update(group, 15, """ "new_chat_members":[{"id":43,"is_bot":false,"first_name":"Ann"}] """, chatType: "supergroup", from: 42),
            Update(chat, 16, """ "successful_payment":{"currency":"UAH","total_amount":50000,"invoice_payload":"p","telegram_payment_charge_id":"t","provider_payment_charge_id":"x"} """),
            Update(chat, 17, """ "invoice":{"title":"Манікюр","description":"d","start_parameter":"s","currency":"UAH","total_amount":50000} """),
            Update(chat, 18, """ "game":{"title":"Game","description":"d","photo":[]} """),
            Update(chat, 19, """ "write_access_allowed":{"from_request":true} """),
            Update(chat, 20, """ "text":"I am a bot" """).Replace("\"is_bot\":false", "\"is_bot\":true"),
            Fill("""{"update_id":@ID}""", chat),
            Fill("""{"update_id":@ID,"channel_post":{"message_id":1,"date":@NOW,"chat":{"id":-100777,"type":"channel","title":"News"},"text":"Акція!"}}""", chat),
            Fill("""{"update_id":@ID,"callback_query":{"id":"4382","from":{"id":@CHAT,"is_bot":false,"first_name":"O"},"chat_instance":"-1","data":"book"}}""", chat),
            Fill("""{"update_id":@ID,"my_chat_member":{"chat":{"id":@CHAT,"type":"private"},"from":{"id":@CHAT,"is_bot":false,"first_name":"O"},"date":@NOW,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"b"}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"b"},"until_date":0}}}""", chat),
            Fill("""{"update_id":@ID,"message_reaction":{"chat":{"id":@CHAT,"type":"private"},"message_id":3,"date":@NOW,"old_reaction":[],"new_reaction":[{"type":"emoji","emoji":"👍"}]}}""", chat),
            Fill("""{"update_id":@ID,"business_connection":{"id":"bc-1","user":{"id":@CHAT,"is_bot":false,"first_name":"O"},"user_chat_id":@CHAT,"date":@NOW,"can_reply":true,"is_enabled":true}}""", chat),
        ];
        foreach (var update in updates) await DeliverAsync(url, secret, update);
        // The business owner answering in a Business chat is not the customer writing.
        await DeliverAsync(url, secret, Update(chat, 21, """ "business_connection_id":"bc-1","text":"Ми вам передзвонимо" """, kind: "business_message", from: 9000));

        Assert.Empty(await StoredAsync(tenant));
        Assert.Equal(0, await fixture.Host.UsageAsync(tenant));
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Empty(fixture.SendsOf(token));

        // The same bot in the same closed hours answers a customer who writes: so the silence above is the events', not the setup's.
        await DeliverAsync(url, secret, Update(chat, 22, """ "text":"Ви відкриті?" """));
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the out-of-hours reply to the real message");
        Assert.Equal(chat, Assert.Single(fixture.SendsOf(token)).Body.GetProperty("chat_id").GetInt64());
    }

    [Fact]
    public async Task An_edit_changes_the_stored_message_and_is_neither_counted_nor_answered()
    {
        var (tenant, _, token, url, secret) = await fixture.ActiveTelegramAsync();
        const long chat = 5303;
        await DeliverAsync(url, secret, Update(chat, 7, """ "text":"Запишіть на 15:00" """));
        var edited = fixture.Clock.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds();
        await DeliverAsync(url, secret, Update(chat, 7, $$""" "edit_date":{{edited}},"text":"Запишіть на 16:00" """, kind: "edited_message"));
        // An edit of a message we never stored (sent before the bot was connected) is ignored.
        await DeliverAsync(url, secret, Update(chat, 3, $$""" "edit_date":{{edited}},"text":"old" """, kind: "edited_message"));

        var message = Assert.Single((await StoredAsync(tenant)).Values);
        Assert.Equal("Запишіть на 16:00", message.GetProperty("text").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(edited), message.GetProperty("edited_at").GetDateTimeOffset());
        Assert.False(message.GetProperty("deleted").GetBoolean());
        Assert.Equal(1, await fixture.Host.UsageAsync(tenant));
    }

    [Fact]
    public async Task A_business_chat_is_stored_answered_through_its_connection_and_its_deletes_clear_the_message()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        const long chat = 5404;
        await DeliverAsync(url, secret, Update(chat, 31, """ "business_connection_id":"AbCdEf-123","text":"Добрий вечір, є місце?" """, kind: "business_message"));

        var message = Assert.Single((await StoredAsync(tenant)).Values);
        Assert.Equal($"AbCdEf-123:{chat}:31", message.GetProperty("external_id").GetString());
        Assert.Equal(chat.ToString(), message.GetProperty("sender").GetString());
        Assert.Equal("out_of_hours", message.GetProperty("decision").GetString());
        await fixture.ReplyReachesAsync(tenant, message.GetProperty("id").GetString()!, "sent");
        var send = Assert.Single(fixture.SendsOf(token)).Body;
        Assert.Equal("AbCdEf-123", send.GetProperty("business_connection_id").GetString());
        Assert.Equal(chat, send.GetProperty("chat_id").GetInt64());

        await DeliverAsync(url, secret, Fill("""
            {"update_id":@ID,"deleted_business_messages":{"business_connection_id":"AbCdEf-123","chat":{"id":@CHAT,"type":"private"},"message_ids":[31,999]}}
            """, chat));
        var deleted = Assert.Single((await StoredAsync(tenant)).Values);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal("", deleted.GetProperty("text").GetString());
        Assert.Empty(deleted.GetProperty("attachments").EnumerateArray());
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Single(fixture.SendsOf(token)); // the delete was not answered
    }
}
