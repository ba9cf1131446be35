using Clusterpedia.ApiServer.Security;
using Clusterpedia.Kube.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Clusterpedia.ApiServer.Tests.Security;

/// <summary>
/// Sets the request's user from an <c>X-Test-User</c> header, before the server's own pipeline: what authentication
/// will do, so the PediaCluster API's credential rule can be tested before authentication lands. No header, no user.
/// </summary>
internal sealed class TestUserStartupFilter : IStartupFilter
{
    public const string Header = "X-Test-User";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (context.Request.Headers[Header].ToString() is { Length: > 0 } name)
            {
                RequestUser.Set(context, new UserInfo(name, null, ["system:authenticated"], new Dictionary<string, IReadOnlyList<string>>()));
            }

            return following();
        });
        next(app);
    };
}
