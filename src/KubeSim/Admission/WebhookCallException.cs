namespace Clusterpedia.KubeSim.Admission;

/// <summary>
/// A webhook could not be called or answered nonsense (kube-apiserver's ErrCallingWebhook): subject to the
/// failurePolicy, unlike a denial. The message is the reason, e.g. <c>failed to call webhook: Post "...": ...</c>.
/// </summary>
internal sealed class WebhookCallException : Exception
{
    public WebhookCallException()
    {
    }

    public WebhookCallException(string message)
        : base(message)
    {
    }

    public WebhookCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
