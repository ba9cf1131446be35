namespace Clusterpedia.Kube.Client;

/// <summary>
/// A bearer token that can change while a client lives: a token file that is rotated (a projected ServiceAccount
/// token), or an exec credential plugin's output that expires. The client asks before each request and, when the
/// server answers 401, invalidates the token and tries once more with a fresh one.
/// </summary>
public interface IBearerTokenSource
{
    /// <summary>The token to send now; null sends none.</summary>
    ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>The server refused <paramref name="token"/>: the next <see cref="GetTokenAsync"/> gets a fresh one (unless the token changed meanwhile).</summary>
    void Invalidate(string? token);
}
