using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Operations;
using Spheres.Functions.Accounts;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Admin;

/// <summary>
/// Tenant administration for billing, behind the function key:
///   PUT admin/tenants/{tenant_id}/plan     set the tenant's plan
///   GET admin/tenants?email=               find a tenant for support
/// </summary>
public sealed class TenantAdminFunctions(ProfileService profiles, CatalogService catalog, SupportLookup lookup, ILogger<TenantAdminFunctions> logger)
{
    [Function("FindTenant")]
    [ApiOperation("admin", "Find a tenant for support by its owner's email.",
        Description = "Function key. The tenant behind an owner's email, with its plan and integrations (never their credentials); 404 for an unknown email or an account being erased.")]
    [ApiQuery("email", typeof(string), "The owner's email address.", Required = true, Format = "email", MaxLength = 254,
        Pattern = Accounts.RegisterRequest.EmailPattern, Examples = ["owner@example.com"])]
    [ApiResponse(200, "The tenant.", Body = typeof(TenantLookupJson))]
    [ApiResponse(400, "No or an invalid email.")]
    [ApiResponse(404, "No account has this email.")]
    public Task<IActionResult> Find(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "admin/tenants")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
            ApiResponse.Json(TenantLookupJson.From(await lookup.FindByEmailAsync(request.Query["email"].FirstOrDefault(), cancellationToken))));

    [Function("SetTenantPlan")]
    [ApiExample("Upgrade", """{"plan":"professional"}""")]
    [ApiOperation("admin", "Set a tenant's plan: free, starter or professional.", RequestBody = typeof(SetPlanRequest),
        Description = "Function key (billing). Every instance applies it to new messages within 15 seconds; integrations a lower plan no longer allows stay, unavailable.")]
    [ApiResponse(200, "The tenant's profile with the new plan.", Body = typeof(ProfileJson))]
    [ApiResponse(400, "Unknown plan.")]
    [ApiResponse(404, "No such tenant.")]
    public Task<IActionResult> SetPlan(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "admin/tenants/{tenant_id}/plan")] HttpRequest request,
        string tenant_id,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadJsonAsync<SetPlanRequest>(request, cancellationToken);
            var profile = await profiles.SetPlanAsync(tenant_id, body.Plan, cancellationToken);
            logger.LogInformation("Tenant {TenantId} is now on plan {Plan}", tenant_id, profile.Plan);
            var owner = await profiles.GetUserAsync(new Caller(profile.TenantId, profile.OwnerUserId), cancellationToken);
            return ApiResponse.Json(ProfileJson.From(profile, owner, await catalog.GetAsync(cancellationToken)));
        });
}
