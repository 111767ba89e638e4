// A process map's page (ui/process_maps.go): the PNG download, made here
// from the page's SVG through a canvas at twice the size, and the print
// button (the print stylesheet in process-map.css puts the map and its
// numbered legend on one page).
(function () {
  "use strict";
  var png = document.getElementById("export-png");
  var print = document.getElementById("print-map");
  if (print) print.addEventListener("click", function () { window.print(); });
  if (!png) return;
  png.addEventListener("click", function () {
    var svg = document.querySelector("#process-map-figure svg");
    if (!svg) return;
    var w = Number(svg.getAttribute("width")), h = Number(svg.getAttribute("height"));
    var text = new XMLSerializer().serializeToString(svg);
    var img = new Image();
    img.onload = function () {
      var scale = 2;
      var c = document.createElement("canvas");
      c.width = w * scale; c.height = h * scale;
      var ctx = c.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, w, h);
      var a = document.createElement("a");
      a.href = c.toDataURL("image/png");
      a.download = (png.getAttribute("data-name") || "process-map") + ".png";
      a.id = "png-link";
      document.body.appendChild(a);
      a.click();
      a.remove();
    };
    img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(text)));
  });
})();
