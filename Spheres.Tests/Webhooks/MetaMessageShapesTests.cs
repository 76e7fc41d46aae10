using System.Net;
using System.Text.Json;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;
using static Spheres.Tests.Infrastructure.MessageAssertions;

namespace Spheres.Tests.Webhooks;

/// <summary>
/// Messenger, Instagram and WhatsApp deliveries in the shapes of Meta's webhook references against API.md "What a customer
/// message is": each message type stored with its content, taps with their payload, edits and unsends applied to the stored
/// message, every other event leaving nothing (no message, no usage, no reply in closed hours), batches read event by event.
/// </summary>
public sealed class MetaMessageShapesTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    private string NowMs => fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString();
    private string NowS => fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString();

    private async Task DeliverAsync(string body) => Assert.Equal(HttpStatusCode.OK, (await fixture.Host.Client.SendAsync(Deliveries.Meta(body))).StatusCode);

    /// <summary>A Messenger or Instagram delivery of one entry for <paramref name="account"/> with these events (each with its sender, recipient and timestamp).</summary>
    private string Messaging(string kind, string account, string sender, params string[] events) => Fill(
        """{"object":"@KIND","entry":[{"id":"@ACCOUNT","time":@MS,"messaging":[@EVENTS]}]}""".Replace("@KIND", kind).Replace("@EVENTS",
            string.Join(",", events.Select(e => """{"sender":{"id":"@SENDER"},"recipient":{"id":"@ACCOUNT"},"timestamp":@MS,@EVENT}""".Replace("@EVENT", e)))),
        account, sender);

    /// <summary>A WhatsApp delivery for <paramref name="phoneNumberId"/> with these messages from <paramref name="from"/> (its contact named Оксана).</summary>
    private string WhatsApp(string phoneNumberId, string from, params string[] messages) => Fill(
        """{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"380440000000","phone_number_id":"@ACCOUNT"},"contacts":[{"profile":{"name":"Оксана"},"wa_id":"@SENDER"}],"messages":[@MESSAGES]}}]}]}"""
            .Replace("@MESSAGES", string.Join(",", messages.Select(m => """{"from":"@SENDER","timestamp":"@S",@MESSAGE}""".Replace("@MESSAGE", m)))),
        phoneNumberId, from);

    /// <summary>A raw delivery with its placeholders filled: the account, the sender, and now in milliseconds and seconds.</summary>
    private string Fill(string body, string account, string sender = "") =>
        body.Replace("@ACCOUNT", account).Replace("@SENDER", sender).Replace("@MS", NowMs).Replace("@S", NowS);

    private async Task<Dictionary<string, JsonElement>> StoredAsync(TenantSession tenant) =>
        (await fixture.Host.GetJsonAsync(tenant, "/api/messages/?limit=200")).GetProperty("results").EnumerateArray()
            .ToDictionary(m => m.GetProperty("external_id").GetString()!);

    [Fact]
    public async Task Messenger_messages_attachments_taps_and_replies_are_stored_with_their_content()
    {
        var page = ReplyFixture.NewAccountId();
        var (tenant, _, _) = await fixture.ActiveMetaAsync("facebook-messenger", "page_id", page, "page_access_token");
        await DeliverAsync(Messaging("page", page, "6543210987654321",
            """ "message":{"mid":"m_qr","text":"Так, записуйте","quick_reply":{"payload":"BOOK_YES"}} """,
            """ "message":{"mid":"m_img","attachments":[{"type":"image","payload":{"url":"https://scontent.xx.fbcdn.net/v/nails.jpg"}}]} """,
            """ "message":{"mid":"m_sticker","sticker_id":369239263222822,"attachments":[{"type":"image","payload":{"url":"https://scontent.xx.fbcdn.net/v/like.png","sticker_id":369239263222822}}]} """,
            """ "message":{"mid":"m_loc","attachments":[{"type":"location","title":"Моє місце","payload":{"coordinates":{"lat":50.45,"long":30.52}}}]} """,
            """ "message":{"mid":"m_file","attachments":[{"type":"file","payload":{"url":"https://cdn.fbsbx.com/v/price.pdf"}}]} """,
            """ "message":{"mid":"m_link","text":"https://example.com/promo","attachments":[{"type":"fallback","title":"Акція","url":"https://example.com/promo","payload":null}]} """,
            """ "message":{"mid":"m_reply","text":"Дякую!","reply_to":{"mid":"m_qr"}} """,
            """ "postback":{"title":"Почати","payload":"GET_STARTED"} """,
            """ "postback":{"mid":"m_pb","title":"Ціни","payload":"PRICES"} """));

        var stored = await StoredAsync(tenant);
        Assert.Equal(9, stored.Count);
        Assert.Equal("BOOK_YES", stored["m_qr"].GetProperty("payload").GetString());
        Assert.Equal("Так, записуйте", stored["m_qr"].GetProperty("text").GetString());
        AttachmentIs(stored["m_img"], "image", url: "https://scontent.xx.fbcdn.net/v/nails.jpg");
        AttachmentIs(stored["m_sticker"], "sticker");
        var place = AttachmentIs(stored["m_loc"], "location", name: "Моє місце");
        Assert.Equal(30.52, place.GetProperty("longitude").GetDouble());
        AttachmentIs(stored["m_file"], "file", url: "https://cdn.fbsbx.com/v/price.pdf");
        AttachmentIs(stored["m_link"], "share", url: "https://example.com/promo", name: "Акція");
        Assert.Equal("m_qr", stored["m_reply"].GetProperty("reply_to").GetString());
        var getStarted = Assert.Single(stored.Values, m => m.GetProperty("payload").GetString() == "GET_STARTED");
        Assert.Equal("Почати", getStarted.GetProperty("text").GetString());
        Assert.Equal("PRICES", stored["m_pb"].GetProperty("payload").GetString());
        Assert.Equal(9, await fixture.Host.UsageAsync(tenant));
    }

    [Fact]
    public async Task Instagram_media_story_replies_mentions_shares_and_ice_breakers_are_stored()
    {
        var account = ReplyFixture.NewAccountId();
        var (tenant, _, _) = await fixture.ActiveMetaAsync("instagram", "instagram_account_id", account, "access_token");
        await DeliverAsync(Messaging("instagram", account, "1790000000000001",
            """ "message":{"mid":"aWdf_img","attachments":[{"type":"image","payload":{"url":"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1"}}]} """,
            """ "message":{"mid":"aWdf_mention","attachments":[{"type":"story_mention","payload":{"url":"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2"}}]} """,
            """ "message":{"mid":"aWdf_story","text":"Класний манікюр!","reply_to":{"story":{"url":"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=3","id":"17900000000000003"}}} """,
            """ "message":{"mid":"aWdf_share","attachments":[{"type":"share","payload":{"url":"https://www.instagram.com/p/C0ffee/"}}]} """,
            """ "message":{"mid":"aWdf_reel","attachments":[{"type":"ig_reel","payload":{"reel_video_id":"1","title":"Нюд","url":"https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=4"}}]} """,
            """ "postback":{"mid":"aWdf_ice","title":"Скільки коштує манікюр?","payload":"ICE_PRICE"} """));

        var stored = await StoredAsync(tenant);
        Assert.Equal(6, stored.Count);
        AttachmentIs(stored["aWdf_img"], "image");
        AttachmentIs(stored["aWdf_mention"], "story", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2");
        Assert.Equal("Класний манікюр!", stored["aWdf_story"].GetProperty("text").GetString());
        AttachmentIs(stored["aWdf_story"], "story", mediaId: "17900000000000003");
        AttachmentIs(stored["aWdf_share"], "share", url: "https://www.instagram.com/p/C0ffee/");
        AttachmentIs(stored["aWdf_reel"], "share", name: "Нюд");
        Assert.Equal("Скільки коштує манікюр?", stored["aWdf_ice"].GetProperty("text").GetString());
        Assert.Equal("ICE_PRICE", stored["aWdf_ice"].GetProperty("payload").GetString());
    }

    [Fact]
    public async Task Whatsapp_messages_of_every_documented_type_are_stored_with_their_content()
    {
        var phone = ReplyFixture.NewAccountId();
        var (tenant, _, _) = await fixture.ActiveMetaAsync("whatsapp", "phone_number_id", phone, "access_token");
        await DeliverAsync(WhatsApp(phone, "380501234567",
            """ "id":"wamid.text","type":"text","text":{"body":"Добрий день"},"context":{"from":"380440000000","id":"wamid.ours"} """,
            """ "id":"wamid.image","type":"image","image":{"caption":"Такий дизайн","mime_type":"image/jpeg","sha256":"x","id":"1479537139650973"} """,
            """ "id":"wamid.video","type":"video","video":{"caption":"Ось відео","mime_type":"video/mp4","sha256":"x","id":"1479537139650974"} """,
            """ "id":"wamid.voice","type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"x","id":"1479537139650975","voice":true} """,
            """ "id":"wamid.doc","type":"document","document":{"caption":"Прайс","filename":"price.pdf","mime_type":"application/pdf","sha256":"x","id":"1479537139650976"} """,
            """ "id":"wamid.sticker","type":"sticker","sticker":{"mime_type":"image/webp","sha256":"x","id":"1479537139650977","animated":false} """,
            """ "id":"wamid.loc","type":"location","location":{"address":"Хрещатик, 1","latitude":50.4501,"longitude":30.5234,"name":"Салон","url":"https://maps.example/1"} """,
            """ "id":"wamid.contacts","type":"contacts","contacts":[{"name":{"formatted_name":"Ірина Шевчук","first_name":"Ірина"},"phones":[{"phone":"+380671112233","type":"CELL","wa_id":"380671112233"}]}] """,
            """ "id":"wamid.order","type":"order","order":{"catalog_id":"cat-1","text":"Хочу ці","product_items":[{"product_retailer_id":"gel","quantity":1,"item_price":500,"currency":"UAH"}]} """,
            """ "id":"wamid.button","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"slot-15","title":"15:00"}} """,
            """ "id":"wamid.list","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"svc-manicure","title":"Манікюр","description":"60 хв"}} """,
            """ "id":"wamid.flow","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{\"flow_token\":\"t\",\"date\":\"2026-12-05\"}","body":"Sent","name":"flow"}} """,
            """ "id":"wamid.template","type":"button","button":{"payload":"CONFIRM","text":"Підтверджую"} """));

        var stored = await StoredAsync(tenant);
        Assert.Equal(13, stored.Count);
        Assert.Equal("wamid.ours", stored["wamid.text"].GetProperty("reply_to").GetString());
        Assert.Equal("Такий дизайн", stored["wamid.image"].GetProperty("text").GetString());
        AttachmentIs(stored["wamid.image"], "image", mediaId: "1479537139650973", mime: "image/jpeg");
        Assert.Equal("Ось відео", stored["wamid.video"].GetProperty("text").GetString());
        AttachmentIs(stored["wamid.voice"], "voice", mediaId: "1479537139650975");
        Assert.Equal("Прайс", stored["wamid.doc"].GetProperty("text").GetString());
        AttachmentIs(stored["wamid.doc"], "file", name: "price.pdf", mime: "application/pdf");
        AttachmentIs(stored["wamid.sticker"], "sticker", mediaId: "1479537139650977");
        AttachmentIs(stored["wamid.loc"], "location", name: "Салон", url: "https://maps.example/1");
        AttachmentIs(stored["wamid.contacts"], "contact", name: "Ірина Шевчук", url: "tel:+380671112233");
        AttachmentIs(stored["wamid.order"], "order", mediaId: "cat-1");
        Assert.Equal("Хочу ці", stored["wamid.order"].GetProperty("text").GetString());
        Assert.Equal(("15:00", "slot-15"), (stored["wamid.button"].GetProperty("text").GetString(), stored["wamid.button"].GetProperty("payload").GetString()));
        Assert.Equal(("Манікюр", "svc-manicure"), (stored["wamid.list"].GetProperty("text").GetString(), stored["wamid.list"].GetProperty("payload").GetString()));
        Assert.Contains("2026-12-05", stored["wamid.flow"].GetProperty("payload").GetString());
        Assert.Equal(("Підтверджую", "CONFIRM"), (stored["wamid.template"].GetProperty("text").GetString(), stored["wamid.template"].GetProperty("payload").GetString()));
        Assert.Equal(13, await fixture.Host.UsageAsync(tenant));
    }

    [Fact]
    public async Task Events_that_are_not_customer_messages_leave_no_message_usage_or_reply_in_closed_hours()
    {
        var page = ReplyFixture.NewAccountId();
        var account = ReplyFixture.NewAccountId();
        var phone = ReplyFixture.NewAccountId();
        var (messenger, messengerId, _) = await fixture.ActiveMetaAsync("facebook-messenger", "page_id", page, "page_access_token");
        var (instagram, instagramId, _) = await fixture.ActiveMetaAsync("instagram", "instagram_account_id", account, "access_token");
        var (whatsapp, _, _) = await fixture.ActiveMetaAsync("whatsapp", "phone_number_id", phone, "access_token"); // no working hours: always the agent's
        foreach (var (tenant, id) in new[] { (messenger, messengerId), (instagram, instagramId) })
            await fixture.Host.SetWeekAsync(tenant, id, fixture.ClosedNowWeek(out _));

        await DeliverAsync(Messaging("page", page, "6543210987654321",
            """ "message":{"mid":"m_echo","is_echo":true,"app_id":1517776481860111,"text":"Ми закриті"} """,
            """ "read":{"watermark":1458668856253} """,
            """ "delivery":{"mids":["m_x"],"watermark":1458668856253} """,
            """ "reaction":{"mid":"m_x","action":"react","emoji":"❤","reaction":"love"} """,
            """ "optin":{"type":"notification_messages","payload":"p","notification_messages_token":"t"} """,
            """ "referral":{"ref":"ad-1","source":"ADS","type":"OPEN_THREAD"} """,
            """ "message":{"mid":"m_empty"} """,
            """ "account_linking":{"status":"linked","authorization_code":"c"} """));
        await DeliverAsync(Fill("""{"object":"page","entry":[{"id":"@ACCOUNT","time":@MS,"messaging":[{"sender":{"user_ref":"chat-plugin-guest"},"recipient":{"id":"@ACCOUNT"},"timestamp":@MS,"message":{"mid":"m_guest","text":"hi"}}]}]}""", page));
        // Meta's dashboard "Test" sample: an entry for an account nobody connected.
        await DeliverAsync("""{"object":"page","entry":[{"id":"0","time":1700000000,"changes":[{"field":"feed","value":{"item":"status","verb":"add"}}]}]}""");
        await DeliverAsync(Messaging("instagram", account, "1790000000000001",
            """ "message":{"mid":"aWdf_u","is_unsupported":true} """,
            """ "reaction":{"mid":"aWdf_x","action":"react","reaction":"love","emoji":"❤️"} """,
            """ "read":{"mid":"aWdf_x"} """,
            """ "message":{"mid":"aWdf_echo","is_echo":true,"text":"our reply"} """));
        await DeliverAsync(WhatsApp(phone, "380501234567",
            """ "id":"wamid.reaction","type":"reaction","reaction":{"message_id":"wamid.x","emoji":"👍"} """,
            """ "id":"wamid.system","type":"system","system":{"body":"NAME changed from 380501234567 to 380509999999","new_wa_id":"380509999999","type":"user_changed_number"} """,
            """ "id":"wamid.unsupported","type":"unsupported","errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown","error_data":{"details":"Message type is currently not supported."}}] """,
            """ "id":"wamid.welcome","type":"request_welcome" """,
            """ "id":"wamid.error","type":"interactive","errors":[{"code":131000,"title":"Something went wrong"}] """,
            """ "id":"wamid.future","type":"hologram","hologram":{"id":"1"} """));
        await DeliverAsync(Fill("""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"@ACCOUNT"},"statuses":[{"id":"wamid.ours","status":"read","timestamp":"@S","recipient_id":"380501234567"}]}}]}]}""", phone));

        foreach (var tenant in new[] { messenger, instagram, whatsapp })
        {
            Assert.Empty(await StoredAsync(tenant));
            Assert.Equal(0, await fixture.Host.UsageAsync(tenant));
        }
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.DoesNotContain(fixture.Graph.Sends, s => s.Account == page || s.Account == account || s.Account == phone);
        Assert.DoesNotContain(await Deliveries.DrainAsync(fixture.Azurite.ConnectionString, TableNames.AgentRequestsQueue), q => q.GetProperty("tenant_id").GetString() == whatsapp.TenantId);

        // In the same closed hours a customer's words are answered: the silence above is the events', not the setup's.
        await DeliverAsync(Messaging("page", page, "6543210987654321", """ "message":{"mid":"m_real","text":"Ви відкриті?"} """));
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.Graph.Sends.Any(s => s.Account == page)), "the out-of-hours reply");
    }

    [Fact]
    public async Task Edits_and_unsends_change_the_stored_message_without_counting_or_answering()
    {
        var page = ReplyFixture.NewAccountId();
        var account = ReplyFixture.NewAccountId();
        var phone = ReplyFixture.NewAccountId();
        var (messenger, _, _) = await fixture.ActiveMetaAsync("facebook-messenger", "page_id", page, "page_access_token");
        var (instagram, _, _) = await fixture.ActiveMetaAsync("instagram", "instagram_account_id", account, "access_token");
        var (whatsapp, _, _) = await fixture.ActiveMetaAsync("whatsapp", "phone_number_id", phone, "access_token");
        await DeliverAsync(Messaging("page", page, "6543210987654321", """ "message":{"mid":"m_1","text":"На 15:00"} """));
        await DeliverAsync(Messaging("instagram", account, "1790000000000001", """ "message":{"mid":"aWdf_1","text":"Ой, не те"} """));
        await DeliverAsync(WhatsApp(phone, "380501234567",
            """ "id":"wamid.1","type":"text","text":{"body":"На завтра"} """,
            """ "id":"wamid.2","type":"image","image":{"caption":"Фото","mime_type":"image/jpeg","sha256":"x","id":"77"} """));

        await DeliverAsync(Messaging("page", page, "6543210987654321", """ "message_edit":{"mid":"m_1","text":"На 16:00","num_edit":1} """));
        await DeliverAsync(Messaging("instagram", account, "1790000000000001", """ "message":{"mid":"aWdf_1","is_deleted":true} """));
        await DeliverAsync(WhatsApp(phone, "380501234567",
            """ "id":"wamid.3","type":"edit","edit":{"original_message_id":"wamid.1","message":{"type":"text","text":{"body":"На післязавтра"}}} """,
            """ "id":"wamid.4","type":"revoke","revoke":{"original_message_id":"wamid.2"}""",
            """ "id":"wamid.5","type":"revoke","revoke":{"original_message_id":"wamid.never-stored"}"""));
        // Someone else cannot edit the customer's message.
        await DeliverAsync(Messaging("page", page, "1111111111111111", """ "message_edit":{"mid":"m_1","text":"hijacked","num_edit":2} """));

        var edited = Assert.Single((await StoredAsync(messenger)).Values);
        Assert.Equal("На 16:00", edited.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, edited.GetProperty("edited_at").ValueKind);
        var unsent = Assert.Single((await StoredAsync(instagram)).Values);
        Assert.True(unsent.GetProperty("deleted").GetBoolean());
        Assert.Equal("", unsent.GetProperty("text").GetString());
        var wa = await StoredAsync(whatsapp);
        Assert.Equal(2, wa.Count);
        Assert.Equal("На післязавтра", wa["wamid.1"].GetProperty("text").GetString());
        Assert.True(wa["wamid.2"].GetProperty("deleted").GetBoolean());
        Assert.Empty(wa["wamid.2"].GetProperty("attachments").EnumerateArray());
        Assert.Equal((1, 1, 2), (await fixture.Host.UsageAsync(messenger), await fixture.Host.UsageAsync(instagram), await fixture.Host.UsageAsync(whatsapp)));
    }

    [Fact]
    public async Task A_batch_of_six_events_with_one_malformed_stores_the_other_five_for_both_tenants()
    {
        var first = ReplyFixture.NewAccountId();
        var second = ReplyFixture.NewAccountId();
        var (one, _, _) = await fixture.ActiveMetaAsync("facebook-messenger", "page_id", first, "page_access_token");
        var (two, _, _) = await fixture.ActiveMetaAsync("facebook-messenger", "page_id", second, "page_access_token");
        string Event(string sender, string mid, string text) =>
            """{"sender":{"id":"@P"},"recipient":{"id":"x"},"timestamp":@MS,"message":{"mid":"@MID","text":"@TEXT"}}""".Replace("@P", sender).Replace("@MID", mid).Replace("@TEXT", text);
        var body = Fill("""
            {"object":"page","entry":[
              {"id":"@FIRST","time":@MS,"messaging":[@A1,@A2,
                {"sender":{"id":"p1"},"recipient":{"id":"x"},"timestamp":"yesterday","message":{"mid":"m_bad","text":"x"}},@A3]},
              {"id":"@SECOND","time":@MS,"messaging":[@B1,@B2]}]}
            """.Replace("@FIRST", first).Replace("@SECOND", second).Replace("@A1", Event("p1", "m_a1", "Перше")).Replace("@A2", Event("p1", "m_a2", "Друге"))
            .Replace("@A3", Event("p2", "m_a3", "Третє")).Replace("@B1", Event("p3", "m_b1", "Інший салон")).Replace("@B2", Event("p3", "m_b2", "Ще раз")), first);
        await DeliverAsync(body);

        Assert.Equal(["m_a1", "m_a2", "m_a3"], (await StoredAsync(one)).Keys.Order());
        Assert.Equal(["m_b1", "m_b2"], (await StoredAsync(two)).Keys.Order());
    }
}
