// The body of a swagger-ui plugin (runs in the browser, see docs.ts): it receives `system`.
// WCAG 2.1 AA fixes that CSS cannot make: each operation's expand button held the path as a
// link (a link inside a button), and the servers dropdown had an empty label.
var React = system.React;
function ServersLabelled(Original) {
  return function Servers(props) {
    return React.createElement(
      'div',
      { className: 'servers-labelled' },
      React.createElement('span', { id: 'servers-label', className: 'servers-title' }, 'Server'),
      React.createElement(Original, props),
    );
  };
}
return {
  wrapComponents: {
    OperationSummaryPath: function () {
      return function OperationSummaryPath(props) {
        var op = props.operationProps.toJS();
        return React.createElement(
          'span',
          { className: op.deprecated ? 'opblock-summary-path__deprecated' : 'opblock-summary-path', 'data-path': op.path },
          React.createElement('span', null, op.path),
        );
      };
    },
    Servers: ServersLabelled,
  },
  afterLoad: function () {
    // The servers <select> is rendered inside an empty <label>: name it by the visible title.
    new MutationObserver(function () {
      var select = document.getElementById('servers');
      if (select && !select.getAttribute('aria-labelledby')) select.setAttribute('aria-labelledby', 'servers-label');
    }).observe(document.body, { childList: true, subtree: true });
  },
};
