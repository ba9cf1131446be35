namespace Clusterpedia.ApiServer.Configuration;

/// <summary>An options type bound to a configuration section (<c>AddOptions&lt;T&gt;().Bind(section)</c>); <see cref="Name"/> is the options name.</summary>
internal sealed record ConfigBinding(string Path, Type OptionsType, string Name);
