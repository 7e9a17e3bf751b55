filedesc://pages.arc 0.0.0.0 20240518015810 text/plain 68
1 0 CapFilt
URL IP-address Archive-date Content-type Archive-length

http://headlines.yahoo.co.jp/hl?a=20170309-35097838-cnetj-sci 93.184.216.34 20240518015810 text/html 142933
HTTP/1.1 200 OK
Content-Type: text/html; charset=utf-8
Content-Length: 142850

<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:og="http://ogp.me/ns#" xmlns:fb="http://ogp.me/ns/fb#" lang="ja">

<head prefix="article: http://ogp.me/ns/article#">
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
    <meta http-equiv="Content-Style-Type" content="text/css" />
    <meta http-equiv="Content-Script-Type" content="text/javascript" />
    <title>トレンドマイクロ、公衆無線LANを安全に使うためのアプリ「フリーWi-Fiプロテクション」 （CNET Japan） - Yahoo!ニュース</title>
    <meta name="description" content="　トレンドマイクロは3月9日、Wi-Fi利用時の通信を暗号化し保護するスマホ・タブレッ" />
    <meta name="keywords" content="ニュース,IT・科学,IT総合" />
    <meta name="robots" content="noarchive" />
    <link href="http://i.yimg.jp/images/news/v1/css/yj2.css?v2" rel="stylesheet" type="text/css" media="screen, print" id="yjFsCss" />
    <link type="text/css" rel="stylesheet" href="http://i.yimg.jp/images/jpnews/cre/common/pc/css/common_pc_v2.css?20150804" media="all" />
    <link rel="stylesheet" href="http://i.yimg.jp/images/jpnews/cre/article/pc/css/1.0.2/article_pc.css" type="text/css" media="all" />
    <script id="msthdScript" src="http://ai.yimg.jp/yui/jp/mh/pc/1.6.3/js/std-min.js" data-s="" data-c=""></script>
    <script type="text/javascript" src="http://i.yimg.jp/images/ds/rapid/1.5.0/ult.inc.js"></script>
    <meta property="al:ios:app_name" content="Yahoo!ニュース" />
    <meta property="al:ios:app_store_id" content="407906756" />
    <meta property="al:ios:url" content="yjtrend://d/hdl/20170309-35097838-cnetj-sci" />
    <meta property="al:android:app_name" content="Yahoo!ニュース" />
    <meta property="al:android:package" content="jp.co.yahoo.android.news" />
    <meta property="al:android:url" content="yjnews://d/hdl/20170309-35097838-cnetj-sci" />
    <meta property="og:type" content="article" />
    <meta property="og:title" content="トレンドマイクロ、公衆無線LANを安全に使うためのアプリ「フリーWi-Fiプロテクション」（CNET Japan） - Yahoo!ニュース" />
    <meta property="og:description" content="トレンドマイクロは3月9日、Wi-Fi利用時の通信を暗号化し保護するスマホ・タブレット - Yahoo!ニュース(CNET Japan)" />
    <meta property="og:image" content="http://i.yimg.jp/images/jpnews/cre/common/all/images/fbico_ogp_600x600.png" />
    <meta property="og:image:width" content="600" />
    <meta property="og:image:height" content="600" />
    <meta property="og:url" content="http://headlines.yahoo.co.jp/hl?a=20170309-35097838-cnetj-sci" />
    <meta property="og:site_name" content="Yahoo!ニュース" />
    <meta property="og:locale" content="ja_JP" />
    <meta property="fb:app_id" content="276725822409153" />
    <meta name="twitter:card" content="summary_large_image" />
    <meta name="twitter:title" content="トレンドマイクロ、公衆無線LANを安全に使うためのアプリ「フリーWi-Fiプロテクション」（CNET Japan） - Yahoo!ニュース" />
    <meta name="twitter:description" content="トレンドマイクロは3月9日、Wi-Fi利用時の通信を暗号化し保護するスマホ・タブレット - Yahoo!ニュース(CNET Japan)" />
    <meta name="twitter:image" content="http://i.yimg.jp/images/jpnews/cre/common/all/images/fbico_ogp_600x600.png" />
    <meta name="twitter:image:width" content="600" />
    <meta name="twitter:image:height" content="600" />
    <meta name="twitter:site" content="@YahooNewsTopics" />
    <meta name="twitter:app:country" content="jp" />
    <meta name="twitter:app:name:iphone" content="Yahoo!ニュース" />
    <meta name="twitter:app:id:iphone" content="407906756" />
    <meta name="twitter:app:url:iphone" content="yjtrend://d/hdl/20170309-35097838-cnetj-sci" />
    <meta name="twitter:app:name:googleplay" content="Yahoo!ニュース" />
    <meta name="twitter:app:id:googleplay" content="jp.co.yahoo.android.news" />
    <meta name="twitter:app:url:googleplay" content="yjnews://d/hdl/20170309-35097838-cnetj-sci" />
    <script type="text/javascript" src="http://i.yimg.jp/images/jpnews/js/libs/jquery/1.10.2/jquery.min.js"></script>
    <script type="text/javascript" src="http://i.yimg.jp/images/jpnews/js/libs/json/2.0.0/json.min.js"></script>
    <script type="text/javascript" src="http://i.yimg.jp/images/ycd/lib/ycdloader/3.0.0/ycdloader.min.js"></script>
    <script type="text/javascript">
        YAHOO.JP.Ycd.recommend.loader.configure({
            useYcdn: true,
            url: 'http://headlines.yahoo.co.jp/hl?a=20170309-35097838-cnetj-sci',
            article: '20170309-35097838-cnetj',
            rapid: {
                "keys": {
                    "rpdprop": "news",
                    "origin": "cnetj"
                },
                "spaceId": 2078709551
            }
        });
    </script>

    <link href="http://ai.yimg.jp/yui/jp/mh/pc/1.4.2/css/std.css" rel="stylesheet" type="text/css" media="all" />
    <link href="https://s.yimg.jp/images/search/slink/1/css/cmn/content_cmn.css" rel="stylesheet" type="text/css" />
    <link href="https://s.yimg.jp/images/search/slink/1/css/pc/content_pc.css" rel="stylesheet" type="text/css" />
    <script async="true" src="http://slink.west.edge.storage-yahoo.jp/highlight/optout_v1.json"></script>
    <link type="text/css" rel="stylesheet" href="http://i.yimg.jp/images/search/slink/popup/pc/1.0.0/css/yjSearchPop.min.css" />
    <script type="text/javascript" src="http://im.ov.yahoo.co.jp/tag/?adprodset=99604_135693-153783-167798&amp;p_elem=yads_ad_position_99604_135693&amp;vimps_mode=3&amp;enc=UTF-8&amp;pvId=27533e7c3e3321f1d5d5babd3a6060c1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci&amp;yads_ds=99604_135693"></script>
</head>

<body class="yj950-2">

    <div id="wrapper">
        <div id="main_cnt_wrapper">
            <div id="header">
                <span class="yj-guid"><a name="pagetop" id="pagetop"></a><img src="http://i.yimg.jp/images/clear.gif" alt="このページの先頭です" width="1" height="1" /></span>
                <span class="yj-skip"><a href="#contents-start"><img src="http://i.yimg.jp/images/clear.gif" alt="このページの本文へ" width="1" height="1" /></a></span>
                <script type="text/javascript">
                    miffy_bucket_id = '';
                </script>
                <div id="msthd">
                    <div>
                        <div id="msthdtp">
                            <div id="msthdUhd">
                                <div class="compo">
                                    <p class="txt"><a href="http://ard.yahoo.co.jp/SIG=15b5pe2bl/M=300956521.301824798.303459529.308131643/D=jp_hdln_te/S=2078709551:MHUHD/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=sDR_ALYWOUA-/J=1489053188005996/SIG=12d3nj36l/A=302157550/R=0/*http://promotion.yahoo.co.jp/news/social_contribution/1608/">「子どもの貧困」に取り組む25歳。母を自殺で失ってからの軌跡</a></p>
                                </div>
                                <script language="javascript">
                                    if (window.yzq_d == null) window.yzq_d = new Object();
                                    window.yzq_d['sDR_ALYWOUA-'] = '&amp;U=13l8ooocs%2fN%3dsDR_ALYWOUA-%2fC%3d300956521.301824798.303459529.308131643%2fD%3dMHUHD%2fB%3d302157550';
                                </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16lu7dcl9%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d779653832%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13l8ooocs%2fN%3dsDR_ALYWOUA-%2fC%3d300956521.301824798.303459529.308131643%2fD%3dMHUHD%2fB%3d302157550"&gt;&lt;/div&gt;</noscript></div>
                            <div id="msthdShpPr">
                                <div class="compo"><a href="#" data-ylk="slk:h_promo;pos:0" id="msthdUhdPrLink" class="rapid-noclick-resp"><span></span></a></div>
                            </div>
                            <div id="msthdsb">
                                <div id="msthdsrch" style="display: block;">
                                    <form action="http://ard.yahoo.co.jp/SIG=158shlqof/M=300973493.301843397.303471478.308131609/D=jp_hdln_te/S=2078709551:MH/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=gzR_ALYWOUA-/J=1489053188005996/SIG=11iuefjhl/A=302195946/R=0/*http://search.yahoo.co.jp/search" name="p">
                                        <p> <label id="msthdslb" for="msthdsbox" title="キーワード：" class="offLeft">キーワード：</label> <input id="msthdsbox" name="p" value="" placeholder="ウェブ検索" type="text" /> <button id="msthdsbt" type="submit" title="検索">検索</button> <input name="ei" value="UTF-8" id="msthdei" type="hidden" /> <input name="fr" value="ush" type="hidden" /> </p>
                                    </form>
                                </div>
                            </div>
                        </div>
                        <div class="logo">
                            <a href="http://rdsig.yahoo.co.jp/mh/click/logo/RV=1/RU=aHR0cDovL25ld3MueWFob28uY28uanAv" data-ylk="slk:h_srvtop;pos:0" id="msthdLogo"><img src="http://ai.yimg.jp/c/logo/f/2.0/news_r_34_2x.png" alt="Yahoo!ニュース" width="206" height="34" /></a>
                        </div>
                        <div class="msthdtxt">
                            <p>IDでもっと便利に<a href="http://rdsig.yahoo.co.jp/mh/click/reg/RV=1/RU=aHR0cHM6Ly9hY2NvdW50LmVkaXQueWFob28uY28uanAvcmVnaXN0cmF0aW9uPy5pbnRsPWpwJi5kb25lPWh0dHAlM2ElMmYlMmZoZWFkbGluZXMueWFob28uY28uanAlMmZobCUzZmElM2QyMDE3MDMwOS0zNTA5NzgzOC1jbmV0ai1zY2kmLnNyYz15bg--" class="b" data-ylk="slk:h_regyid;pos:0" id="msthdReg">新規取得</a></p>
                            <p><a href="http://rdsig.yahoo.co.jp/mh/click/logn/RV=1/RU=aHR0cHM6Ly9sb2dpbi55YWhvby5jby5qcC9jb25maWcvbG9naW4_LnNyYz15biZsZz1qcCYuaW50bD1qcCYuZG9uZT1odHRwJTNhJTJmJTJmaGVhZGxpbmVzLnlhaG9vLmNvLmpwJTJmaGwlM2ZhJTNkMjAxNzAzMDktMzUwOTc4MzgtY25ldGotc2Np" class="b" data-ylk="slk:h_login;pos:0" id="msthdLogin">ログイン</a><span id="msthdPrBox"><a href="http://r.ca-mpr.jp/s/104/?i4a=945217" id="msthdPrLink" class="">今なら5,000ポイントもらえるチャンス！　YJFX!</a></span></p>
                        </div>
                        <div class="msthdlink">
                            <ul>
                                <li class="ytop"><a href="http://rdsig.yahoo.co.jp/mh/click/ytop/RV=1/RU=aHR0cDovL3d3dy55YWhvby5jby5qcC8-" data-ylk="slk:h_ytop;pos:0">Yahoo! JAPAN</a></li>
                                <li class="help"><a href="http://rdsig.yahoo.co.jp/mh/click/help/RV=1/RU=aHR0cHM6Ly93d3cueWFob28taGVscC5qcC9hcHAvaG9tZS9zZXJ2aWNlL2hlYWRsaW5lcy8-" data-ylk="slk:h_hlp;pos:0" id="msthdHelp">ヘルプ</a></li>
                            </ul>
                        </div>
                    </div>
                </div>
                <script type="text/javascript" src="http://ai.yimg.jp/images/ds/rapid/ult.js"></script>
                <script type="text/javascript" src="http://ai.yimg.jp/images/security/pf/pcore-1.0.1.min.js"></script>
                <script type="text/javascript" src="http://ai.yimg.jp/images/security/pf/yjsecure.js"></script>
                <script type="text/javascript">
                    window.msthdPromo = function() {
                        var rand = (Math.random() * 5) ^ 0;
                        var SxmSh0Text = [{
                            clsName: 'msthdPrShpIcon',
                            word: 'スマホグッズの人気商品をチェック',
                            url: 'http://rdsig.yahoo.co.jp/shopping/mhd/ma1_1/RV=1/RU=aHR0cDovL3Nob3BwaW5nLnlhaG9vLmNvLmpwL2NhdGVnb3J5LzI1MDIvMzgzNDYvcmFua2luZy9wZXJpb2Rfd2Vla2x5L2dlbmRlcl9tYWxlLz9zY19lPXl5bGtfbWhkX3N0bF90X21hMV8x'
                        }, {
                            clsName: 'msthdPrShpIcon',
                            word: 'いま売れているメンズシューズ',
                            url: 'http://rdsig.yahoo.co.jp/shopping/mhd/ma1_2/RV=1/RU=aHR0cDovL3Nob3BwaW5nLnlhaG9vLmNvLmpwL2NhdGVnb3J5LzEzNDU3LzI0OTUvMTc0MC9yYW5raW5nL3BlcmlvZF93ZWVrbHkvZ2VuZGVyX21hbGUvP3NjX2U9eXlsa19taGRfc3RsX3RfbWExXzI-'
                        }, {
                            clsName: 'msthdPrShpIcon',
                            word: '財布、ファッション小物　人気トップ20',
                            url: 'http://rdsig.yahoo.co.jp/shopping/mhd/ma1_3/RV=1/RU=aHR0cDovL3Nob3BwaW5nLnlhaG9vLmNvLmpwL2NhdGVnb3J5LzEzNDU3LzI0OTUvMTY5NS9yYW5raW5nL3BlcmlvZF93ZWVrbHkvZ2VuZGVyX21hbGUvP3NjX2U9eXlsa19taGRfc3RsX3RfbWExXzM-'
                        }, {
                            clsName: 'msthdPrShpIcon',
                            word: '注目の人気売れ筋商品ランキング',
                            url: 'http://rdsig.yahoo.co.jp/shopping/mhd/ma1_4/RV=1/RU=aHR0cDovL3Nob3BwaW5nLnlhaG9vLmNvLmpwL3JhbmtpbmcvcGVyaW9kX3dlZWtseS9nZW5kZXJfbWFsZS8_c2NfZT15eWxrX21oZF9zdGxfdF9tYTFfNA--'
                        }, {
                            clsName: 'msthdPrShpIcon',
                            word: '送料込み1,000円　目玉商品セール中',
                            url: 'http://rdsig.yahoo.co.jp/shopping/mhd/ma1_5/RV=1/RU=aHR0cDovL3RvcGljcy5zaG9wcGluZy55YWhvby5jby5qcC9zYWxlL3RpbWVzYWxlLz9zY19lPXl5bGtfbWhkX3N0bF90X21hMV81'
                        }, ];
                        var sxmSh0TextCls = SxmSh0Text[rand].clsName;
                        var sxmSh0TextWord = SxmSh0Text[rand].word;
                        var sxmSh0TextUrl = SxmSh0Text[rand].url;
                        YAHOO.JP.msthd.Promo.init({
                            uhd: {},
                            txt: {
                                'sb1_pr1': {
                                    clsName: 'msthdPrShpIcon',
                                    word: 'ソフトバンクのスマホ利用でポイント14倍',
                                    url: 'http://rdsig.yahoo.co.jp/shopping/mhd/sb1/RV=1/RU=aHR0cDovL3RvcGljcy5zaG9wcGluZy55YWhvby5jby5qcC9jYW1wYWlnbi9wb2ludHMvc2IvP3NjX2U9eXlsa19taGRfc3RsX3Rfc2I-'
                                },
                                'sb1_pr0': {
                                    clsName: 'msthdPrShpIcon',
                                    word: 'ソフトバンクのスマホ利用でポイント10倍',
                                    url: 'http://rdsig.yahoo.co.jp/shopping/mhd/sb2/RV=1/RU=aHR0cDovL3RvcGljcy5zaG9wcGluZy55YWhvby5jby5qcC9jYW1wYWlnbi9wb2ludHMvc2IvP3NjX2U9eXlsa19taGRfc3RsX3Rfc2I-'
                                },
                                'sxm_sh0': {
                                    clsName: sxmSh0TextCls,
                                    word: sxmSh0TextWord,
                                    url: sxmSh0TextUrl
                                },
                                'pr1_sh0': {
                                    clsName: 'msthdPrShpIcon',
                                    word: '送料込み1,000円　目玉商品セール中',
                                    url: 'http://rdsig.yahoo.co.jp/shopping/mhd/1/RV=1/RU=aHR0cDovL3RvcGljcy5zaG9wcGluZy55YWhvby5jby5qcC9zYWxlL3RpbWVzYWxlLz9zY19lPXl5bGtfbWhkX3N0bF90cG4jYW5jLXByaWNlQVBJ'
                                },
                                'pr1_sh1': {
                                    clsName: 'msthdPrShpIcon',
                                    word: '送料込み1,000円　目玉商品セール中',
                                    url: 'http://rdsig.yahoo.co.jp/shopping/mhd/2/RV=1/RU=aHR0cDovL3RvcGljcy5zaG9wcGluZy55YWhvby5jby5qcC9zYWxlL3RpbWVzYWxlLz9zY19lPXl5bGtfbWhkX3N0bF90cHIjYW5jLXByaWNlQVBJ'
                                },
                                'pr0_sh0': {
                                    clsName: 'msthdPrShpIcon',
                                    word: '送料込み1,000円　目玉商品セール中',
                                    url: 'http://rdsig.yahoo.co.jp/shopping/mhd/3/RV=1/RU=aHR0cDovL3RvcGljcy5zaG9wcGluZy55YWhvby5jby5qcC9zYWxlL3RpbWVzYWxlLz9zY19lPXl5bGtfbWhkX3N0bF90bm4jYW5jLXByaWNlQVBJ'
                                },
                                'pr0_sh1': {
                                    clsName: 'msthdPrShpIcon',
                                    word: '送料込み1,000円　目玉商品セール中',
                                    url: 'http://rdsig.yahoo.co.jp/shopping/mhd/4/RV=1/RU=aHR0cDovL3RvcGljcy5zaG9wcGluZy55YWhvby5jby5qcC9zYWxlL3RpbWVzYWxlLz9zY19lPXl5bGtfbWhkX3N0bF90bnIjYW5jLXByaWNlQVBJ'
                                },
                                'default': {
                                    clsName: '',
                                    word: '今なら5,000ポイントもらえるチャンス！　YJFX!',
                                    url: 'http://r.ca-mpr.jp/s/104/?i4a=945217'
                                }
                            }
                        });
                    };
                </script>
                <script type="text/javascript">
                    (function(d, t) {
                        var s = d.getElementsByTagName(t)[0],
                            n = d.createElement(t);
                        n.id = 'msthdScript';
                        n.src = 'http://ai.yimg.jp/yui/jp/mh/pc/1.6.3/js/std-min.js';
                        n.setAttribute('data-s', '');
                        n.setAttribute('data-c', '');
                        s.parentNode.insertBefore(n, s);
                    }(document, 'script'));
                </script>
                <!-- SpaceID=2078709551 loc=EMG3 noad-spid -->
                <!-- SpaceID=2078709551 loc=EMG2 noad-spid -->
                <!-- SpaceID=2078709551 loc=EMG noad-spid -->
            </div>

            <hr class="separation" />
            <div id="rma-pdv"></div>
            <!--PushDownVision Ad-->

            <!--contents start-->
            <div id="contents">
                <div id="contentsHeader">

                    <div id="headerSearch">

                        <div class="searchWrapper">
                            <!-- ニュース -->
                            <form action="http://news.search.yahoo.co.jp/search" method="get" id="searchNewsForm" class="current">

                                <div class="inputWrapper">
                                    <input class="searchInput" name="p" placeholder="キーワードを入力" type="text" />
                                    <input value="UTF-8" name="ei" type="hidden" />
                                    <input value="news_sw" name="fr" type="hidden" />
                                </div>
                                <!-- /.inputWrapper -->
                                <p class="currentSearch"><a href="#">ニュース</a></p>
                                <span class="searchButton"><input value="検索" type="submit" /></span>

                                <!-- 条件指定ボタン -->
                                <p class="advanced"><a href="http://news.search.yahoo.co.jp/advanced">条件指定</a></p>
                            </form>

                            <!-- トピ -->
                            <form action="http://search.yahoo.co.jp/search" method="get" id="searchTopicsForm">

                                <div class="inputWrapper">
                                    <input class="searchInput" name="p" placeholder="キーワードを入力" type="text" />
                                    <input value="UTF-8" name="ei" type="hidden" />
                                    <input value="news_sw" name="fr" type="hidden" />
                                    <input value="news.yahoo.co.jp/list/" name="vs" type="hidden" />
                                    <input value="1" name="rkf" type="hidden" />
                                </div>
                                <!-- /.inputWrapper -->
                                <p class="currentSearch"><a href="#">トピックス</a></p>
                                <span class="searchButton"><input value="検索" type="submit" /></span>

                            </form>

                            <!-- Buzz -->
                            <form action="http://news.yahoo.co.jp/theme/search/" method="get" id="searchThemeForm">

                                <div class="inputWrapper">
                                    <input class="searchInput" name="key" placeholder="キーワードを入力" type="text" />
                                </div>
                                <!-- /.inputWrapper -->

                                <p class="currentSearch"><a href="#">テーマ</a></p>
                                <span class="searchButton"><input value="検索" type="submit" /></span>
                            </form>

                            <!-- 意識調査 -->
                            <form action="http://polls.dailynews.yahoo.co.jp/list" method="get" id="SearchSurveyForm">

                                <div class="inputWrapper">
                                    <input class="searchInput" name="q" placeholder="キーワードを入力" type="text" />
                                    <input value="UTF-8" name="ei" type="hidden" />
                                </div>
                                <!-- /.inputWrapper -->

                                <p class="currentSearch"><a href="#">意識調査</a></p>
                                <span class="searchButton"><input value="検索" type="submit" /></span>
                            </form>

                            <!-- GSR -->
                            <form action="http://gsearch.news.yahoo.co.jp/gs?" name="s" method="get" id="searchGSRForm">

                                <div class="inputWrapper">
                                    <input class="searchInput" name="key" placeholder="キーワードを入力" type="text" />
                                    <input value="l" name="ty" type="hidden" />
                                    <input value="" name="dbty" type="hidden" />
                                </div>
                                <!-- /.inputWrapper -->
                                <p class="currentSearch"><a href="#">全国紙パック</a></p>
                                <span class="searchButton"><input value="検索" type="submit" /></span>
                            </form>

                            <!--検索カテゴリのセレクト -->
                            <ul class="searchSelect hide">
                                <!--
-->
                                <li id="searchNews"><a href="#" class="current"><span>ニュース</span></a></li>
                                <li id="searchTopics"><a href="#"><span>トピックス</span></a></li>
                                <li id="searchTheme"><a href="#"><span>テーマ</span></a></li>
                                <li id="SearchSurvey"><a href="#"><span>意識調査</span></a></li>
                                <li id="searchGSR"><a href="#"><span>全国紙パック</span></a></li>
                            </ul>
                            <div class="bubble hide"></div>

                        </div>
                        <!-- /.searchWrapper -->

                        <ul class="personalInfo">
                            <li class="myPage"><a href="http://person.news.yahoo.co.jp/u/login" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3BlcnNvbi5uZXdzLnlhaG9vLmNvLmpwL3UvbG9naW4-/RS=^ADAKqgBEJEB_jAglzmLzLlR2HAjG9M-;_ylt=A7YWOgEDJsFY.TUA8LAvl.Z7'"><span class="myThumb"><img src="http://i.yimg.jp/images/bloom/v201212/anonymous_24.png" width="24" height="24" /></span></a><a href="http://person.news.yahoo.co.jp/u/login" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3BlcnNvbi5uZXdzLnlhaG9vLmNvLmpwL3UvbG9naW4-/RS=^ADAKqgBEJEB_jAglzmLzLlR2HAjG9M-;_ylt=A7YWOgEDJsFY.TUA8bAvl.Z7'"><span class="myName">ユーザーページ</span></a>
                            </li>
                            <li class="purchase"><a href="http://headlines.yahoo.co.jp/purchase/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9wdXJjaGFzZS8-/RS=^ADA4LnIVJJC.OnP7hxl51hon8DlBQ4-;_ylt=A7YWOgEDJsFY.TUA8rAvl.Z7'">購読一覧</a></li>
                            <li class="setting"><a href="http://person.news.yahoo.co.jp/settings/profile/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3BlcnNvbi5uZXdzLnlhaG9vLmNvLmpwL3NldHRpbmdzL3Byb2ZpbGUv/RS=^ADAyuPlpBEWlsq2u0eKG8Mi19tcTMo-;_ylt=A7YWOgEDJsFY.TUA87Avl.Z7'">設定</a></li>
                        </ul>
                        <!-- /.personalInfo -->

                    </div>
                    <!-- /#search -->
                    <!--グローバルナビ-->
                    <div id="globalNav">
                        <ul id="gnPri">
                            <!-- global nav primary -->
                            <li id="gnPriHeadlines"><a href="http://news.yahoo.co.jp" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanA-/RS=^ADAdTdnzilw2wJNN2bs5pl037o02Ro-;_ylt=A7YWOgEDJsFY.TUA9LAvl.Z7'">トップ</a></li>
                            <li id="gnPriFlash"><a href="http://news.yahoo.co.jp/flash" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvZmxhc2g-/RS=^ADAdG5WQ6iawsAaeWXgMXIhpeXQ1qE-;_ylt=A7YWOgEDJsFY.TUA9bAvl.Z7'">速報</a></li>
                            <li id="gnPriPhoto"><a href="http://news.yahoo.co.jp/photo" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvcGhvdG8-/RS=^ADAPpKeZY_cEO3TJ8aZfR.m0MbjuN4-;_ylt=A7YWOgEDJsFY.TUA9rAvl.Z7'">写真</a></li>
                            <li id="gnPriVideo"><a href="http://headlines.yahoo.co.jp/videonews/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC92aWRlb25ld3Mv/RS=^ADA8kkojVYRbvCni40MAO6sw5BDlfg-;_ylt=A7YWOgEDJsFY.TUA97Avl.Z7'">映像</a></li>
                            <li id="gnPriZasshi"><a href="http://news.yahoo.co.jp/zasshi" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvemFzc2hp/RS=^ADA3W5hJfcSA0WHl90pXcthYiykh3M-;_ylt=A7YWOgEDJsFY.TUA.LAvl.Z7'">雑誌</a></li>
                            <li id="gnPriBylines"><a href="http://bylines.news.yahoo.co.jp/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2J5bGluZXMubmV3cy55YWhvby5jby5qcC8-/RS=^ADAQzNqpa02Lm180rVv3DibuXD5J3g-;_ylt=A7YWOgEDJsFY.TUA.bAvl.Z7'">個人</a></li>
                            <li id="gnPriBusiness" class="current"><a href="http://news.yahoo.co.jp/biz" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvYml6/RS=^ADAiYPdBYDdyhIqj7B_tX2RNHkeYlc-;_ylt=A7YWOgEDJsFY.TUA.rAvl.Z7'">ビジネス</a></li>
                            <li id="gnPriFeature"><a href="http://news.yahoo.co.jp/feature" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvZmVhdHVyZQ--/RS=^ADAQPCFE_SyIYw9O4Z8hnk4yhJ8eLQ-;_ylt=A7YWOgEDJsFY.TUA.7Avl.Z7'">特集</a></li>
                            <li id="gnPriResearch"><a href="http://polls.dailynews.yahoo.co.jp/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3BvbGxzLmRhaWx5bmV3cy55YWhvby5jby5qcC8-/RS=^ADAAdTKiyrY5YNeCjVbz1gJ9n6jJWk-;_ylt=A7YWOgEDJsFY.TUA_LAvl.Z7'">意識調査</a></li>
                            <li id="gnPriRanking"><a href="http://news.yahoo.co.jp/ranking" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvcmFua2luZw--/RS=^ADATNs2bG1S_AG0Ua1H0X_zS88WL1w-;_ylt=A7YWOgEDJsFY.TUA_bAvl.Z7'">ランキング</a></li>
                        </ul>

                        <div class="gnSecWrap">
                            <ul id="gnSec">
                                <!-- global nav secondaly -->
                                <li><a href="http://news.yahoo.co.jp/biz">ビジネストップ</a></li>
                                <li><a href="http://news.yahoo.co.jp/biz/category/economy">経済</a></li>
                                <li><a href="http://news.yahoo.co.jp/biz/category/enterprise">企業</a></li>
                                <li><a href="http://news.yahoo.co.jp/biz/category/global">グローバル</a></li>
                                <li><a href="http://news.yahoo.co.jp/biz/category/market">マーケット</a></li>
                                <li><a href="http://news.yahoo.co.jp/biz/category/career">キャリア</a></li>
                                <li><a href="http://news.yahoo.co.jp/biz/category/technology">テクノロジー</a></li>
                            </ul>
                        </div>
                    </div>
                    <!-- /.globalNav -->
                    <!--/グローバルナビ-->
                    <div id="cat-pass"></div>
                    <!--/#cat-pass-->
                </div>
                <!--/#contentsHeader-->

                <div id="contentsBody">
                    <span class="yj-guid"><a name="contents-start" id="contents-start"></a><img src="http://i.yimg.jp/images/clear.gif" alt="ここから本文です" width="1" height="1" /></span>

                    <!--main start-->
                    <div id="main">
                        <div class="mainBox">

                            <noscript>
&lt;div class="alertBox"&gt;
&lt;div class="alert"&gt;
&lt;i&gt;&lt;/i&gt;&lt;p&gt;現在&lt;em&gt;JavaScriptが無効&lt;/em&gt;になっています。Yahoo!ニュースのすべての機能を利用するためには、JavaScriptの設定を有効にしてください。&lt;br&gt;JavaScriptの設定を変更する方法は&lt;a href="http://help.yahoo.co.jp/help/jp/common/sys/sys-07.html"&gt;こちら&lt;/a&gt;。&lt;/p&gt;
&lt;/div&gt;
&lt;/div&gt;
</noscript>
                            <script type="text/javascript" language="JavaScript">
                                yads_ad_ds = '55033_33065';
                                yads_bucket_id = miffy_bucket_id;
                            </script>
                            <div class="adTtlYdn">
                                <script type="text/javascript" language="JavaScript" src="http://yads.c.yimg.jp/js/yads.js"></script>
                                <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script><span></span>
                                <script src="http://yads.yjtag.yahoo.co.jp/tag?s=55033_33065&amp;t=j&amp;ssl=0&amp;fr_id=yads_6980208-0&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci&amp;tagpos=244x211"></script>
                            </div>

                            <div class="article">
                                <div id="ym_newsarticle">
                                    <!--- interest_match_relevant_zone_start --->
                                    <div class="hd">
                                        <h1>トレンドマイクロ、公衆無線LANを安全に使うためのアプリ「フリーWi-Fiプロテクション」</h1>
                                        <p class="source"><a href="http://headlines.yahoo.co.jp/list/?m=cnetj" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/medianame/articles/RV=1/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9saXN0Lz9tPWNuZXRq;_ylt=A7YWOgEDJsFY.TUAv7Avl.Z7'">CNET Japan</a> 3/9(木) 18:45配信
                                        </p>
                                        <div class="snsButton">
                                            <ul>
                                                <li class="yjnSnsBtn">
                                                    <a href="http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly90d2l0dGVyLmNvbS9pbnRlbnQvdHdlZXQ_aGFzaHRhZ3M9WWFob28lRTMlODMlOEIlRTMlODMlQTUlRTMlODMlQkMlRTMlODIlQjkmb3JpZ2luYWxfcmVmZXJlcj1odHRwJTNBJTJGJTJGaGVhZGxpbmVzLnlhaG9vLmNvLmpwJTJGaGwlM0ZhJTNEMjAxNzAzMDktMzUwOTc4MzgtY25ldGotc2NpJnRleHQ9JUUzJTgzJTg4JUUzJTgzJUFDJUUzJTgzJUIzJUUzJTgzJTg5JUUzJTgzJTlFJUUzJTgyJUE0JUUzJTgyJUFGJUUzJTgzJUFEJUUzJTgwJTgxJUU1JTg1JUFDJUU4JUExJTg2JUU3JTg0JUExJUU3JUI3JTlBTEFOJUUzJTgyJTkyJUU1JUFFJTg5JUU1JTg1JUE4JUUzJTgxJUFCJUU0JUJEJUJGJUUzJTgxJTg2JUUzJTgxJTlGJUUzJTgyJTgxJUUzJTgxJUFFJUUzJTgyJUEyJUUzJTgzJTk3JUUzJTgzJUFBJUUzJTgwJThDJUUzJTgzJTk1JUUzJTgzJUFBJUUzJTgzJUJDV2ktRmklRTMlODMlOTclRTMlODMlQUQlRTMlODMlODYlRTMlODIlQUYlRTMlODIlQjclRTMlODMlQTclRTMlODMlQjMlRTMlODAlOEQlRUYlQkMlODhDTkVUJTIwSmFwYW4lRUYlQkMlODklMjAtJTIwWWFob28lMjElRTMlODMlOEIlRTMlODMlQTUlRTMlODMlQkMlRTMlODIlQjkmdHdfcD10d2VldGJ1dHRvbiZ1cmw9aHR0cCUzQSUyRiUyRmhlYWRsaW5lcy55YWhvby5jby5qcCUyRmhsJTNGYSUzRDIwMTcwMzA5LTM1MDk3ODM4LWNuZXRqLXNjaQ--/RS=%5EADA0hVu6aGxiaIKUWpENbe6eNNKa.I-;_ylt=A7YWOgEDJsFY.TUA0rAvl.Z7" target="_blank">
                                                        <div class="twBtn"><span>ツイート</span></div>
                                                    </a>
                                                </li>
                                                <li class="yjnSnsBtn">
                                                    <a href="http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly93d3cuZmFjZWJvb2suY29tL3NoYXJlci9zaGFyZXIucGhwP3U9aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTM1MDk3ODM4LWNuZXRqLXNjaQ--/RS=%5EADAWIDPx9Ml7C55R8Gy8MiskPhYYmQ-;_ylt=A7YWOgEDJsFY.TUA1LAvl.Z7" onclick="window.open(this.href, 'FBwindow', 'width=650, height=450, menubar=no, toolbar=no, scrollbars=yes'); return false;">
                                                        <div class="fbBtn"><span>シェアする</span></div>
                                                    </a>
                                                </li>
                                            </ul>
                                        </div>
                                    </div>

                                    <div class="articleMain">
                                        <div class="paragraph">
                                            <p class="ynDetailText">
                                                トレンドマイクロは3月9日、Wi-Fi利用時の通信を暗号化し保護するスマホ・タブレット向けのセキュリティアプリ「フリーWi-Fiプロテクション」（iOS/Android）の発売を開始すると発表した。1年版ライセンスは2900円（税込）で、2年版ライセンスは5000円（税込）。<br />
                                                <br /> 　フリーWi-Fiプロテクションは、App Storeおよび、Google Playにて販売され、既に提供しているスマホ・タブレット向け総合セキュリティ対策アプリ「ウイルスバスター モバイル」と併用することで、不正アプリや危険なウェブサイトからの保護に加え、通信の盗み見を防ぐことができる。<br />
                                                <br /> 　2020年の東京オリンピック・パラリンピックの開催などを見据え、フリーWi-Fi（公衆無線LAN）の設置が促進され、フリーWi-Fiの利用者も増加している。
                                                <br />
                                                <br /> 　一方で、脆弱な設定のフリーWi-Fiや攻撃者が設置した偽のフリーWi-Fiへの接続などによる情報漏えい、通信の盗み見などのセキュリティリスクが危惧されているという。
                                                <br />
                                                <br /> 　正規事業者が提供する安全性の高いフリーWi-Fiのほかにも、通信を暗号化していない安全性の低いフリーWi-Fi、さらにはサイバー犯罪者が設置したフリーWi-Fiなどさまざまなものが混在している。また、利用者は、接続する前にひとつひとつ安全性を確認するのは難しい状況だとしている。
                                                <br />
                                                <br /> 　トレンドマイクロがスマートフォン保持者でフリーWi-Fiの利用経験がある人に実施した調査では、回答者の約85％が安全なフリーWi-Fiと危険なフリーWi-Fiは「見分けられない」と回答。さらに、約65％がフリーWi-Fiの利用に不安を感じていると回答している。
                                                <br />
                                                <br /> 　こうした環境の変化やユーザの状況を鑑み、フリーWi-Fiプロテクションの提供を開始する。同アプリをインストールすることで利用者は、万が一安全性の低いフリーWi-Fiのアクセスポイントに接続してしまった場合でも、その通信を暗号化でき、通信の盗み見やそれによる情報漏えいのリスクを低減できるようになる。
                                                <br />
                                                <br /> 　具体的には、フリーWi-Fi利用時に、スマートフォンがフリーWi-Fiプロテクションインフラに接続することにより、フリーWi-Fiのアクセスポイントを介した通信がVPN（Virtual Private Network）で暗号化される。これにより利用者は、第三者から通信を傍受されることやデータの情報漏えいを防ぐことが可能。さらに、かんたん自動接続の機能により、通信を暗号化していない安全性が低いフリーWi-Fi接続時や利用者が指定したWi-Fiへ接続する際に、自動的に通信を暗号化し、利用者の通信を保護する。<br />
                                                <br /> 　また、フリーWi-Fiプロテクションインフラと、莫大なセキュリティ情報のビッグデータを保有するクラウド型セキュリティ技術基盤「Trend Micro Smart Protection Network」（SPN）が連携することで、フリーWi-Fiプロテクションインフラを経由してインターネットを利用する際に、利用者がフィッシング詐欺サイトや偽サイトなどへの不正サイトへアクセスすることをブロックできるという。</p>
                                        </div>
                                        <!-- /.paragraph -->



                                        <div class="ynDetailRelArticle">
                                            <div class="listTitle">【関連記事】</div>
                                            <ul>
                                                <li><a href="http://rdsig.yahoo.co.jp/media/news/rd_tool/cnetj/articles/sci/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly9qYXBhbi5jbmV0LmNvbS9uZXdzL3NlcnZpY2UvMzUwOTUyNjMvP3JlZj15ag--/RS=%5EADAyThplohjh_otBDigxUMD2uwNpcY-;_ylt=A7YWOgEDJsFY.TUAwbAvl.Z7;_ylu=X3oDMWM0MGdiajZ0BHBvcwMxBHJsX3RpdGxlA05FWENPM.ekvuOAgemrmOmAn.mBk.i3r1NB44KEUEHjga7lhazooYbnhKHnt5pMQU7jgqLjgqvjgqbjg7Pjg4jjgpLlhbHpgJrljJYtLeWIqeeUqOWItumZkOOBruaSpOW7g.OCggRybF91cmwDaHR0cHM6Ly9qYXBhbi5jbmV0LmNvbS9uZXdzL3NlcnZpY2UvMzUwOTUyNjMvP3JlZj15agRzZWMDcmVsYXRlZARzbGsDcGMEdGl0bGUD44OI44Os44Oz44OJ44Oe44Kk44Kv44Ot44CB5YWs6KGG54Sh57eaTEFO44KS5a6J5YWo44Gr5L2_44GG44Gf44KB44Gu44Ki44OX44Oq44CM44OV44Oq44O8V2ktRmnjg5fjg63jg4bjgq_jgrfjg6fjg7PjgI0EdXJsA2h0dHA6Ly9oZWFkbGluZXMueWFob28uY28uanAvaGw_YT0yMDE3MDMwOS0zNTA5NzgzOC1jbmV0ai1zY2k-"> NEXCO3社、高速道路SAやPAの公衆無線LANアカウントを共通化--利用制限の撤廃も </a></li>
                                                <li><a href="http://rdsig.yahoo.co.jp/media/news/rd_tool/cnetj/articles/sci/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly9qYXBhbi5jbmV0LmNvbS9uZXdzL3NlcnZpY2UvMzUwNzM2MjkvP3JlZj15ag--/RS=%5EADALotaP7ytzm7b3WHCZWShVoMemRU-;_ylt=A7YWOgEDJsFY.TUAwrAvl.Z7;_ylu=X3oDMWMwOGNtMmcwBHBvcwMyBHJsX3RpdGxlA.ODiOODrOODs.ODieODnuOCpOOCr.ODreOAgeOCu.OCreODpeODquODhuOCo.OCteODvOODk.OCueOAjOOBguOCk.OBl.OCk.ODleODquODvFdpLUZp44CN44KS5o.Q5L6bBHJsX3VybANodHRwczovL2phcGFuLmNuZXQuY29tL25ld3Mvc2VydmljZS8zNTA3MzYyOS8_cmVmPXlqBHNlYwNyZWxhdGVkBHNsawNwYwR0aXRsZQPjg4jjg6zjg7Pjg4njg57jgqTjgq_jg63jgIHlhazooYbnhKHnt5pMQU7jgpLlronlhajjgavkvb_jgYbjgZ_jgoHjga7jgqLjg5fjg6rjgIzjg5Xjg6rjg7xXaS1GaeODl.ODreODhuOCr.OCt.ODp.ODs.OAjQR1cmwDaHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTM1MDk3ODM4LWNuZXRqLXNjaQ--"> トレンドマイクロ、セキュリティサービス「あんしんフリーWi-Fi」を提供 </a></li>
                                                <li><a href="http://rdsig.yahoo.co.jp/media/news/rd_tool/cnetj/articles/sci/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly9qYXBhbi5jbmV0LmNvbS9uZXdzL3NlcnZpY2UvMzUwNzYzNzYvP3JlZj15ag--/RS=%5EADA3sjSiznu0CEKG6CRS7jBQj6ggiE-;_ylt=A7YWOgEDJsFY.TUAw7Avl.Z7;_ylu=X3oDMWJvMmdiM3YxBHBvcwMzBHJsX3RpdGxlA.ODk.ODg.OCsOODreODvOODluOAgeWFrOihhueEoee3mkxBTuOCteODvOODk.OCueOAjEJJR0xPQkUgV2ktRmnjgI3jgpIy5pyIMeaXpeOBi.OCieaPkOS.mwRybF91cmwDaHR0cHM6Ly9qYXBhbi5jbmV0LmNvbS9uZXdzL3NlcnZpY2UvMzUwNzYzNzYvP3JlZj15agRzZWMDcmVsYXRlZARzbGsDcGMEdGl0bGUD44OI44Os44Oz44OJ44Oe44Kk44Kv44Ot44CB5YWs6KGG54Sh57eaTEFO44KS5a6J5YWo44Gr5L2_44GG44Gf44KB44Gu44Ki44OX44Oq44CM44OV44Oq44O8V2ktRmnjg5fjg63jg4bjgq_jgrfjg6fjg7PjgI0EdXJsA2h0dHA6Ly9oZWFkbGluZXMueWFob28uY28uanAvaGw_YT0yMDE3MDMwOS0zNTA5NzgzOC1jbmV0ai1zY2k-"> ビッグローブ、公衆無線LANサービス「BIGLOBE Wi-Fi」を2月1日から提供 </a></li>
                                                <li><a href="http://rdsig.yahoo.co.jp/media/news/rd_tool/cnetj/articles/sci/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly9qYXBhbi50ZWNocmVwdWJsaWMuY29tL2FydGljbGUvMzUwOTc0MTguaHRtP3JlZj15ag--/RS=%5EADAMw3haQxfjZL3fK.TQM18xAwPlrE-;_ylt=A7YWOgEDJsFY.TUAxLAvl.Z7;_ylu=X3oDMWJudGlpMnFzBHBvcwM0BHJsX3RpdGxlA.OAjFJhc3BiZXJyeSBQaSBaZXJvIFfjgI3jgpLlhpnnnJ_jgafopovjgostLVdpLUZp5qmf6IO944KS5pCt6LyJ44GX44Gf5paw44Oi44OH44OrBHJsX3VybANodHRwczovL2phcGFuLnRlY2hyZXB1YmxpYy5jb20vYXJ0aWNsZS8zNTA5NzQxOC5odG0_cmVmPXlqBHNlYwNyZWxhdGVkBHNsawNwYwR0aXRsZQPjg4jjg6zjg7Pjg4njg57jgqTjgq_jg63jgIHlhazooYbnhKHnt5pMQU7jgpLlronlhajjgavkvb_jgYbjgZ_jgoHjga7jgqLjg5fjg6rjgIzjg5Xjg6rjg7xXaS1GaeODl.ODreODhuOCr.OCt.ODp.ODs.OAjQR1cmwDaHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTM1MDk3ODM4LWNuZXRqLXNjaQ--"> 「Raspberry Pi Zero W」を写真で見る--Wi-Fi機能を搭載した新モデル </a></li>
                                                <li><a href="http://rdsig.yahoo.co.jp/media/news/rd_tool/cnetj/articles/sci/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly9qYXBhbi56ZG5ldC5jb20vYXJ0aWNsZS8zNTA4NzE1MS8_cmVmPXlq/RS=%5EADAllqIQVGX4zEXv2jxDy2ZG_0TnyY-;_ylt=A7YWOgEDJsFY.TUAxbAvl.Z7;_ylu=X3oDMWFnc3U1dGFlBHBvcwM1BHJsX3RpdGxlA.e1tuWvvuOBq.OCruODvOOCr.OBl.OBi.iyt.OCj.OBquOBhDMy5p6a44GuVOOCt.ODo.ODhARybF91cmwDaHR0cHM6Ly9qYXBhbi56ZG5ldC5jb20vYXJ0aWNsZS8zNTA4NzE1MS8_cmVmPXlqBHNlYwNyZWxhdGVkBHNsawNwYwR0aXRsZQPjg4jjg6zjg7Pjg4njg57jgqTjgq_jg63jgIHlhazooYbnhKHnt5pMQU7jgpLlronlhajjgavkvb_jgYbjgZ_jgoHjga7jgqLjg5fjg6rjgIzjg5Xjg6rjg7xXaS1GaeODl.ODreODhuOCr.OCt.ODp.ODs.OAjQR1cmwDaHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTM1MDk3ODM4LWNuZXRqLXNjaQ--"> 絶対にギークしか買わない32枚のTシャツ </a></li>
                                            </ul>
                                        </div>
                                        <!--- interest_match_relevant_zone_end --->
                                    </div>
                                    <div class="ft">
                                        <p class="ynLastEditDate yjSt">最終更新:3/9(木) 18:45</p>
                                        <p class="ynCobrandBanner">
                                            <a href="http://rdsig.yahoo.co.jp/media/news/cobrand/cnetj/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2phcGFuLmNuZXQuY29tLw--/RS=%5EADA5fhlOeGBp9LaG3IS9duiOkz7zFc-;_ylt=A7YWOgEDJsFY.TUAwLAvl.Z7"><img src="https://s.yimg.jp/images/news/cobranding/cnetj.gif" alt="CNET Japan" width="170" height="40" /></a>
                                        </p>
                                    </div>
                                    <!-- /.ft -->


                                    <div class="snsButton">
                                        <ul>
                                            <li class="yjnSnsBtn">
                                                <a href="http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly90d2l0dGVyLmNvbS9pbnRlbnQvdHdlZXQ_aGFzaHRhZ3M9WWFob28lRTMlODMlOEIlRTMlODMlQTUlRTMlODMlQkMlRTMlODIlQjkmb3JpZ2luYWxfcmVmZXJlcj1odHRwJTNBJTJGJTJGaGVhZGxpbmVzLnlhaG9vLmNvLmpwJTJGaGwlM0ZhJTNEMjAxNzAzMDktMzUwOTc4MzgtY25ldGotc2NpJnRleHQ9JUUzJTgzJTg4JUUzJTgzJUFDJUUzJTgzJUIzJUUzJTgzJTg5JUUzJTgzJTlFJUUzJTgyJUE0JUUzJTgyJUFGJUUzJTgzJUFEJUUzJTgwJTgxJUU1JTg1JUFDJUU4JUExJTg2JUU3JTg0JUExJUU3JUI3JTlBTEFOJUUzJTgyJTkyJUU1JUFFJTg5JUU1JTg1JUE4JUUzJTgxJUFCJUU0JUJEJUJGJUUzJTgxJTg2JUUzJTgxJTlGJUUzJTgyJTgxJUUzJTgxJUFFJUUzJTgyJUEyJUUzJTgzJTk3JUUzJTgzJUFBJUUzJTgwJThDJUUzJTgzJTk1JUUzJTgzJUFBJUUzJTgzJUJDV2ktRmklRTMlODMlOTclRTMlODMlQUQlRTMlODMlODYlRTMlODIlQUYlRTMlODIlQjclRTMlODMlQTclRTMlODMlQjMlRTMlODAlOEQlRUYlQkMlODhDTkVUJTIwSmFwYW4lRUYlQkMlODklMjAtJTIwWWFob28lMjElRTMlODMlOEIlRTMlODMlQTUlRTMlODMlQkMlRTMlODIlQjkmdHdfcD10d2VldGJ1dHRvbiZ1cmw9aHR0cCUzQSUyRiUyRmhlYWRsaW5lcy55YWhvby5jby5qcCUyRmhsJTNGYSUzRDIwMTcwMzA5LTM1MDk3ODM4LWNuZXRqLXNjaQ--/RS=%5EADA0hVu6aGxiaIKUWpENbe6eNNKa.I-;_ylt=A7YWOgEDJsFY.TUA07Avl.Z7" target="_blank">
                                                    <div class="twBtn"><span>ツイート</span></div>
                                                </a>
                                            </li>
                                            <li class="yjnSnsBtn">
                                                <a href="http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly93d3cuZmFjZWJvb2suY29tL3NoYXJlci9zaGFyZXIucGhwP3U9aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTM1MDk3ODM4LWNuZXRqLXNjaQ--/RS=%5EADAWIDPx9Ml7C55R8Gy8MiskPhYYmQ-;_ylt=A7YWOgEDJsFY.TUA1bAvl.Z7" onclick="window.open(this.href, 'FBwindow', 'width=650, height=450, menubar=no, toolbar=no, scrollbars=yes'); return false;">
                                                    <div class="fbBtn"><span>シェアする</span></div>
                                                </a>
                                            </li>
                                        </ul>
                                    </div>
                                </div>
                                <!-- /#ym_newsarticle -->
                            </div>
                            <!-- /.article -->



                            <script type="text/javascript" language="JavaScript">
                                yads_ad_ds = '38649_31304';
                                yads_bucket_id = miffy_bucket_id;
                            </script>
                            <div class="adTextYdn">
                                <script type="text/javascript" language="JavaScript" src="http://yads.c.yimg.jp/js/yads.js"></script>
                                <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script><span></span>
                                <script src="http://yads.yjtag.yahoo.co.jp/tag?s=38649_31304&amp;t=j&amp;ssl=0&amp;fr_id=yads_8339067-1&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci&amp;tagpos=237x1948"></script>
                            </div>
                            <div id="themeSticker" class="follow yjxTheme" data-article-id="20170309-35097838-cnetj" data-destination-type="news_theme" data-ult-sid="2078709551" data-ult-sec="tm_mod" data-newsui="1" style="height:0"><iframe id="themeSticker_frame" scrolling="no" allowtransparency="true" style="vertical-align: bottom;" src="https://follow.yahoo.co.jp/plugin/cache/sticker/list/?tids=&amp;tname=&amp;aid=20170309-35097838-cnetj&amp;dtype=news_theme&amp;size=wide&amp;sid=2078709551&amp;sec=tm_mod&amp;results=3&amp;vtestid=&amp;v_pkjp=&amp;frameid=themeSticker_frame&amp;alternative=&amp;newsui=1&amp;bucket=" width="632" height="0" frameborder="0"></iframe></div>

                            <script type="text/javascript" language="JavaScript" src="https://s.yimg.jp/images/follow/website/plugin/external/js/sticker-1.0.0.min.js"></script>

                            <script type="text/javascript">
                                & lt;
                                !--
                                (function($) {
                                    $(document).ready(function() {
                                        YAHOO.JP.Follow.Sticker.init({
                                            'stckrClass': 'yjxTheme',
                                            'stckrSize': 'wide',
                                            'isCache': true,
                                            'stckrType': 'list',
                                            'frameWidth': 632
                                        });

                                        YAHOO.JP.Follow.Sticker.bind();
                                    });
                                })(jQuery);
                                //--&gt;
                            </script>


                            <div id="ycd-p4"><iframe src="http://s.yimg.jp/images/ycd/lib/ycdloader/3.0.0/ycdproxy.html?placeholder=ycd-p4&amp;origin=http%3A%2F%2Fheadlines.yahoo.co.jp" scrolling="no" marginheight="0" marginwidth="0" style="overflow: hidden; border: 0px none; margin-top: 0px; margin-left: 0px; margin-right: 0px; height: 800px;" width="100%" height="0" frameborder="0"></iframe></div>
                            <script type="text/javascript">
                                YAHOO.JP.Ycd.recommend.loader.showModule({
                                    into: 'ycd-p4',
                                    dirName: 'yahoojp-p4-c2-leiis',
                                    mode: 'organic-thumbnails-C2-PC2-Org',
                                    placement: 'Below Article Thumbnails-p4',
                                    container: 'taboola-below-article-thumbnails-p4',
                                    rapid: {
                                        "sec": "smlr",
                                        "slk": "title"
                                    }
                                });
                            </script>
                            <script type="text/javascript">
                                YAHOO.JP.Ycd.recommend.loader.showModule({
                                    into: 'ycd-p4',
                                    dirName: 'yahoojp-p4-c2-leiis',
                                    mode: 'thumbnails-C2-PC3-SC',
                                    placement: 'Below Article Thumbnails-p4-sc',
                                    container: 'taboola-below-article-thumbnails-p4-sc',
                                    rapid: {
                                        "sec": "sc",
                                        "slk": "title"
                                    },
                                    sponsored_contents: true
                                });
                            </script>

                            <div class="mainYdn">
                                <script type="text/javascript" language="JavaScript">
                                    & lt;
                                    !--
                                    yads_ad_ds = '20806_10381';
                                    yads_bucket_id = miffy_bucket_id;
                                    //--&gt;
                                </script>
                                <script type="text/javascript" language="JavaScript" src="http://yads.c.yimg.jp/js/yads.js"></script>
                                <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script><span></span>
                                <script src="http://yads.yjtag.yahoo.co.jp/tag?s=20806_10381&amp;t=j&amp;ssl=0&amp;fr_id=yads_7398503-2&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci&amp;tagpos=237x1964"></script>
                                <div style="text-align:center;"><iframe src="http://i.yimg.jp/images/listing/tool/yads/yads-iframe.html?s=20806_10381-131359&amp;t=f&amp;ssl=0&amp;fr_id=yads_7398503-2&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;tag_path=http%3a%2f%2fyads.yjtag.yahoo.co.jp%2ftag&amp;page=1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci&amp;tagpos=237x1964" style="border: medium none; clear: both; display: none; margin: auto; overflow: hidden;" allowtransparency="true" id="yads_7398503-2" name="yads_7398503-2" scrolling="no" width="632" height="250" frameborder="0"></iframe></div>
                            </div>

                            <div id="yjSLink"></div>
                            <script type="text/javascript" src="https://s.yimg.jp/images/search/slink/1/slink.js"></script>
                            <script type="text/javascript">
                                YAHOO.JP.srch.slink.onLoad(function(sl) {
                                    sl.setParams({
                                        serviceCode: 'nws',
                                        appID: 'dj0zaiZpPWx1NTNzY1hnbUVoRCZzPWNvbnN1bWVyc2VjcmV0Jng9NGI-',
                                        articleID: '20170309-35097838-cnetj',
                                        spaceID: '2078709551',
                                        linkCount: 5
                                    });
                                });
                            </script>


                            <script type="text/javascript" src="http://i.yimg.jp/lib/news/json/jsr_class_1_1.js"></script>
                            <script type="text/javascript">
                                //&lt;!--
                                if (typeof YJNEWS == "undefined" || !YJNEWS) {
                                    YJNEWS = {}
                                }
                                if (typeof YJNEWS.FB == "undefined" || !YJNEWS.FB) {
                                    YJNEWS.FB = {}
                                }
                                YJNEWS.FB.spaceId = "2078709551";
                                YJNEWS.FB.url = "http://headlines.yahoo.co.jp/hl?a=20170309-35097838-cnetj-sci";
                                YJNEWS.FB.commentLoaded = false;
                                YJNEWS.FB.numPosts = '5';
                                YJNEWS.FB.initSetting = {
                                    dispArticleNum: 5,
                                    flag: false,
                                    deviceFlag: 'pc'
                                };
                                //--&gt;
                            </script>
                            <script type="text/javascript" src="http://i.yimg.jp/lib/news/socialModule/facebook_1_13-min.js">
                            </script>
                            <script type="text/javascript" src="http://i.yimg.jp/lib/news/socialModule/tab_1_8-min.js"></script>
                            <div class="ynCtsSelectNav" style="">
                                <div id="commentTab" class="current"></div>
                            </div>
                            <div class="commentBox" id="commentTabContents" style="">
                                <script type="text/javascript" src="http://i.yimg.jp/images/news/v2/comment/js/commentloader/commentloader-5.1.0.min.js" charset="UTF-8"></script>

                                <div class="news-comment-plugin" data-defer="" data-page-type="short" data-device-type="pc" data-keys="UvlyA82DKGCMnkPKGXlZAWnSotAW79g7838O.CmP.3PARO8L2rHOAcPKsH6mM.GGnt0coWjG6Bj_kcE5OevIb8iuRVap_laMre66nbLqdsdORKPBqn8lOIw-" data-full-page-url="http://headlines.yahoo.co.jp/cm/main?d=20170309-35097838-cnetj-sci" data-reply-num="0" data-comment-num="3">

                                    <iframe class="news-comment-plguin-iframe" style="width: 100%; height: 186px; border: medium none;" scrolling="no" src="http://plugin.news.yahoo.co.jp/v1/comment/short/?origin=http%3A%2F%2Fheadlines.yahoo.co.jp&amp;keys=UvlyA82DKGCMnkPKGXlZAWnSotAW79g7838O.CmP.3PARO8L2rHOAcPKsH6mM.GGnt0coWjG6Bj_kcE5OevIb8iuRVap_laMre66nbLqdsdORKPBqn8lOIw-&amp;full_page_url=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fcm%2Fmain%3Fd%3D20170309-35097838-cnetj-sci&amp;comment_num=3&amp;ref=&amp;bkt=&amp;flt=&amp;disable_total_count=&amp;device=pc&amp;ua=Mozilla%2F5.0+%28Macintosh%3B+Intel+Mac+OS+X+10.11%3B+rv%3A55.0%29+Gecko%2F20100101+Firefox%2F55.0" frameborder="0"></iframe></div>
                                <ul class="commentNotice">
                                    <li class="notice">※コメントは個人の見解であり、記事提供社と関係はありません。</li>
                                    <li class="hidden"><input id="commentChk" type="checkbox" /><label for="commentChk">コメント非表示</label></li>
                                </ul>
                                <script type="text/javascript" src="http://i.yimg.jp/lib/news/socialModule/comment-3_0-min.js"></script>
                            </div>

                            <script type="text/javascript">
                                if (YJNEWS & amp; & amp; YJNEWS.TAB) {
                                    YJNEWS.TAB.setTabProperty({
                                        'tabId': 'commentTab',
                                        'contentsId': 'commentTabContents',
                                        'prefunc': getComment,
                                        'owner': window,
                                        'rdLabelCngTab': '/media/news/tab/click/comment/pc/textnews/',
                                        'rdLabelImp': '/media/news/tab/imp/comment/pc/textnews/'
                                    });
                                }
                            </script>


                        </div>
                        <!-- /#mainBox-->

                        <script type="text/javascript" language="JavaScript">
                            var msc_sqb_type = 'news_sqb_reserved';
                        </script>
                        <div id="pos-sqb" class="ymuiContainerNopad">
                            <script type="text/javascript">
                                yads_ad_ds = '54396_12741';
                                yads_ad_space = '2078709551';
                                yads_bucket_id = window.miffy_bucket_id || '';
                                if (typeof msc_sqb_type !== 'undefined' & amp; & amp; msc_sqb_type !== null) {
                                    yads_type_tag = msc_sqb_type;
                                }
                            </script>
                            <script type="text/javascript" src="//yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=54396_12741&amp;t=j&amp;ssl=0&amp;fr_id=yads_3196971-3&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;type=news_sqb_reserved&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci&amp;tagpos=711x2190"></script>
                            <div style="text-align:center;"><iframe src="http://i.yimg.jp/images/listing/tool/yads/yads-iframe.html?s=54396_12741-122008&amp;t=f&amp;ssl=0&amp;fr_id=yads_3196971-3&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;tag_path=http%3a%2f%2fyads.yjtag.yahoo.co.jp%2ftag&amp;type=news_sqb_reserved&amp;page=1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci&amp;tagpos=711x2190" style="border: medium none; clear: both; display: none; margin: auto; overflow: hidden;" allowtransparency="true" id="yads_3196971-3" name="yads_3196971-3" scrolling="no" width="100%" height="250" frameborder="0"></iframe></div>
                            <!-- http://ard.yahoo.co.jp/SIG=1590026qr/M=300834580.301686286.303471505.314573040/D=jp_hdln_te/S=2078709551:SQB/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=jDR_ALYWOUA-/J=1489053188005996/SIG=1197piifn/A=302195969/R=0/?http://www.yahoo.co.jp/ -->
                            <img src="//yjtag.yahoo.co.jp/csx?tp=8FzrfRY" width="1" height="1" />
                            <img src="//yjtag.yahoo.co.jp/csx?tp=vGtt1zQG" width="1" height="1" />
                            <img src="//yj.adnxs.com/seg?add=7103556&amp;t=2" width="1" height="1" />
                            <img src="//ib.adnxs.com/seg?add=7103559&amp;t=2" width="1" height="1" />
                            <img src="https://ib.adnxs.com/getuid?https%3A%2F%2Fcm.g.doubleclick.net%2Fpixel%3Fgoogle_nid%3Dappnexus1%26google_sc%26google_hm%3D%24%7BBASE64_UID_ENC%7D%26google_cm" style="position:absolute;left:-10000px;" width="1" height="1" />
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['jDR_ALYWOUA-'] = '&amp;U=13j3eal5r%2fN%3djDR_ALYWOUA-%2fC%3d300834580.301686286.303471505.314573040%2fD%3dSQB%2fB%3d302195969';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mar804m%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d2204578554%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13j3eal5r%2fN%3djDR_ALYWOUA-%2fC%3d300834580.301686286.303471505.314573040%2fD%3dSQB%2fB%3d302195969"&gt;&lt;/div&gt;</noscript></div>
                    </div>
                    <!--/#main-->
                    <!--main end-->

                    <!--sub start-->
                    <div id="sub">

                        <script type="text/javascript" language="JavaScript">
                            var msc_lrec_type = 'news_lrec_reserved';
                        </script>
                        <div id="lrec">
                            <script type="text/javascript" language="JavaScript">
                                yads_ad_ds = '15511_2245';
                                yads_bucket_id = window.miffy_bucket_id || '';
                                yads_type_tag = window.miffy_bucket_id || '';
                            </script>
                            <script type="text/javascript" language="JavaScript" src="//yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=15511_2245&amp;t=j&amp;ssl=0&amp;fr_id=yads_2742050-4&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci&amp;tagpos=711x2441"></script>
                            <div style="text-align:center;"><iframe src="http://i.yimg.jp/images/listing/tool/yads/yads-iframe.html?s=15511_2245-130633&amp;t=f&amp;ssl=0&amp;fr_id=yads_2742050-4&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;tag_path=http%3a%2f%2fyads.yjtag.yahoo.co.jp%2ftag&amp;page=1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci&amp;tagpos=711x2441" style="border:none; clear:both; display:block; margin:auto; overflow:hidden; " allowtransparency="true" id="yads_2742050-4" name="yads_2742050-4" scrolling="no" width="300" height="250" frameborder="0"></iframe></div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['hzR_ALYWOUA-'] = '&amp;U=13kpf5ouu%2fN%3dhzR_ALYWOUA-%2fC%3d300963762.301832608.303458300.317962756%2fD%3dLREC%2fB%3d302171865';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mb6raih%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d3809629289%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13kpf5ouu%2fN%3dhzR_ALYWOUA-%2fC%3d300963762.301832608.303458300.317962756%2fD%3dLREC%2fB%3d302171865"&gt;&lt;/div&gt;</noscript></div>
                        <!-- SpaceID=2078709551 loc=NSC noad -->
                        <script language="javascript">
                            if (window.yzq_d == null) window.yzq_d = new Object();
                            window.yzq_d['qzR_ALYWOUA-'] = '&amp;U=12755ir75%2fN%3dqzR_ALYWOUA-%2fC%3d-1%2fD%3dNSC%2fB%3d-1';
                        </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16ltg3fpn%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d876554074%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=12755ir75%2fN%3dqzR_ALYWOUA-%2fC%3d-1%2fD%3dNSC%2fB%3d-1"&gt;&lt;/div&gt;</noscript>
                        <div class="tmplNews002-1 rkgYdn">
                            <div class="subMod subRanking rc">
                                <div class="hd">
                                    <h3 class="ttl">
                                        <a href="http://news.yahoo.co.jp/biz" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvYml6/RS=^ADAiYPdBYDdyhIqj7B_tX2RNHkeYlc-;_ylt=A7YWOgEDJsFY.TUAvrAvl.Z7'">
            注目のビジネスニュース
        </a>
                                    </h3>
                                </div>
                                <ul class="bd">
                                    <li>
                                        <a href="http://zasshi.news.yahoo.co.jp/article?a=20170309-00051174-gendaibiz-bus_all" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3phc3NoaS5uZXdzLnlhaG9vLmNvLmpwL2FydGljbGU_YT0yMDE3MDMwOS0wMDA1MTE3NC1nZW5kYWliaXotYnVzX2FsbA--/RS=^ADA37vn73p8mF6MRgjLSQniMOpfqq8-;_ylt=A7YWOgEDJsFY.TUAubAvl.Z7'">
                                            <span class="cap">
        <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggGHp0PtHcrZGu5Iq67PQa7w---x175-y200-q90/amd/20170309-00051174-gendaibiz-000-1-view.jpg" alt="ソフトバンクの「個人向け社債」買うべきか、やめておくべきか　その金利は定期預金の200倍だが…" /></span>
                                            <span class="ttl">ソフトバンクの「個人向け社債」買うべきか、やめておくべきか　その金利は定期預金の200倍だが…</span>
                                            <span class="source">現代ビジネス</span>
                                            <span class="date">3/9(木) 18:01</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170309-00000070-reut-bus_all" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTAwMDAwMDcwLXJldXQtYnVzX2FsbA--/RS=^ADANm9aRckk9lrftFroRrcq0Lo_H1U-;_ylt=A7YWOgEDJsFY.TUAurAvl.Z7'">
                                            <span class="cap">
        <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggtrspYBymXhUeVMDgTDKNdQ---x200-y143-q90/amd/20170309-00000070-reut-000-2-view.jpg" alt="日経平均は5日ぶり反発、円安で大型外需株に買い戻し" /></span>
                                            <span class="ttl">日経平均は5日ぶり反発、円安で大型外需株に買い戻し</span>
                                            <span class="source">ロイター</span>
                                            <span class="date">3/9(木) 15:47</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://zasshi.news.yahoo.co.jp/article?a=20170309-00051119-gendaibiz-bus_all" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3phc3NoaS5uZXdzLnlhaG9vLmNvLmpwL2FydGljbGU_YT0yMDE3MDMwOS0wMDA1MTExOS1nZW5kYWliaXotYnVzX2FsbA--/RS=^ADAjTVE2ZN3G0CzCts2gMPmAd1I7E0-;_ylt=A7YWOgEDJsFY.TUAu7Avl.Z7'">
                                            <span class="cap">
        <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggabcSvIDl9lXYdh8WSP9KAQ---x175-y200-q90/amd/20170309-00051119-gendaibiz-000-1-view.png" alt="人生で本当に価値があるのは「履歴書」か「追悼文」か　デイヴィッド・ブルックスの憂鬱" /></span>
                                            <span class="ttl">人生で本当に価値があるのは「履歴書」か「追悼文」か　デイヴィッド・ブルックスの憂鬱</span>
                                            <span class="source">現代ビジネス</span>
                                            <span class="date">3/9(木) 18:01</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170309-00000004-wordleaf-bus_all" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTAwMDAwMDA0LXdvcmRsZWFmLWJ1c19hbGw-/RS=^ADATJgU3Jfr6ZI2PT0y9G_KkBFdibo-;_ylt=A7YWOgEDJsFY.TUAvLAvl.Z7'">
                                            <span class="cap">
        <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggDN4l56rbYkDHeOjFb4gq8Q---x200-y133-q90/amd/20170309-00000004-wordleaf-000-3-view.jpg" alt="もやしと株価の意外な関係　もやしの消費額で読み解く日本の景気" /></span>
                                            <span class="ttl">もやしと株価の意外な関係　もやしの消費額で読み解く日本の景気</span>
                                            <span class="source">THE PAGE</span>
                                            <span class="date">3/9(木) 17:20</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170309-00010009-newswitch-ind" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA5LTAwMDEwMDA5LW5ld3N3aXRjaC1pbmQ-/RS=^ADAm3Jpn.qb0tjhzB7NV02F.OM0fTc-;_ylt=A7YWOgEDJsFY.TUAvbAvl.Z7'">
                                            <span class="cap">
        <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggCyDjV0LRxxIcICnxJ7fHTQ---x200-y133-q90/amd/20170309-00010009-newswitch-000-1-view.jpg" alt="日立グループとホンダが手を組んだEV用中核部品の今後" /></span>
                                            <span class="ttl">日立グループとホンダが手を組んだEV用中核部品の今後</span>
                                            <span class="source">ニュースイッチ</span>
                                            <span class="date">3/9(木) 18:11</span>
                                            </span>
                                        </a>
                                    </li>
                                </ul>
                            </div>
                            <script type="text/javascript" language="JavaScript">
                                yads_ad_ds = '76342_90080';
                                yads_bucket_id = miffy_bucket_id;
                            </script>
                            <script type="text/javascript" language="JavaScript" src="http://yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=76342_90080&amp;t=j&amp;ssl=0&amp;fr_id=yads_5203864-5&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci"></script>
                            <script src="http://im.ov.yahoo.co.jp/tag/?adprodset=76342_90080-105356-113198&amp;vimps_mode=3&amp;enc=UTF-8&amp;pvId=27533e7c3e3321f1d5d5babd3a6060c1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci&amp;yads_ds=76342_90080" type="text/javascript"></script>
                        </div>

                        <div class="tmplNews002-1 rkgYdn">
                            <div class="subMod subRanking fb">
                                <div class="hd">
                                    <h3 class="ttl"><a href="http://news.yahoo.co.jp/ranking/access?ty=t&amp;c=c_sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/accr/article/headlines/more/RV=1/RU=aHR0cDovL25ld3MueWFob28uY28uanAvcmFua2luZy9hY2Nlc3M_dHk9dCZjPWNfc2Np;_ylt=A7YWOgEDJsFY.TUAy7Avl.Z7'">アクセスランキング（IT総合）</a></h3>
                                </div>
                                <ol class="bd">
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170303-00000047-zdn_n-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/accr/article/headlines/RV=1/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzAzLTAwMDAwMDQ3LXpkbl9uLXNjaQ--;_ylt=A7YWOgEDJsFY.TUAxrAvl.Z7'">
                                            <span class="rankNum">1</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggoPOTrACscYfQWlmVkm5jIg---x57-y60-q90/amd/20170303-00000047-zdn_n-000-2-thumb.jpg" alt="" /></span>
                                            <span class="ttl">「テレビで話題になってしまった茶碗」奈良大が分析　「実物を見ず真贋云々に疑問」</span> <span class="source">ITmedia NEWS</span>
                                            <span class="date">3/3(金) 11:32</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170303-00000059-it_nlab-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/accr/article/headlines/RV=1/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzAzLTAwMDAwMDU5LWl0X25sYWItc2Np;_ylt=A7YWOgEDJsFY.TUAx7Avl.Z7'">
                                            <span class="rankNum">2</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggxwb8h68bfwnwHnnqc45Ddg---x45-y60-q90/amd/20170303-00000059-it_nlab-000-4-thumb.jpg" alt="" /></span>
                                            <span class="ttl">稚内のスーパーが240個のはずのケーキを2400個誤発注 → Twitterで助けを求める → 2時間で完売</span> <span class="source">ねとらぼ</span>
                                            <span class="date">3/3(金) 13:23</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170306-00000007-withnews-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/accr/article/headlines/RV=1/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA2LTAwMDAwMDA3LXdpdGhuZXdzLXNjaQ--;_ylt=A7YWOgEDJsFY.TUAyLAvl.Z7'">
                                            <span class="rankNum">3</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_sigg.RW1SnJzB1NId78lzy3KZQ---x60-y45-q90/amd/20170306-00000007-withnews-000-2-view.jpg" alt="" /></span>
                                            <span class="ttl">就活生のヒール、ぶっちゃけ気になる？　金融・メーカー…企業に聞いたら、同じ答えがずらり</span> <span class="source">withnews</span>
                                            <span class="date">3/8(水) 7:01</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170306-00000006-withnews-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/accr/article/headlines/RV=1/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA2LTAwMDAwMDA2LXdpdGhuZXdzLXNjaQ--;_ylt=A7YWOgEDJsFY.TUAybAvl.Z7'">
                                            <span class="rankNum">4</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggwg1MNZPMYtSM03H.lwUo_g---x60-y60-q90/amd/20170306-00000006-withnews-000-1-view.jpg" alt="" /></span>
                                            <span class="ttl">稚内でケーキ2400個誤発注…でも2時間で完売　常連の支えと従業員に感謝　人口3万5千人、最北の市で</span> <span class="source">withnews</span>
                                            <span class="date">3/7(火) 7:00</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://headlines.yahoo.co.jp/hl?a=20170304-00010003-binsider-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/accr/article/headlines/RV=1/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9obD9hPTIwMTcwMzA0LTAwMDEwMDAzLWJpbnNpZGVyLXNjaQ--;_ylt=A7YWOgEDJsFY.TUAyrAvl.Z7'">
                                            <span class="rankNum">5</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggXQLPPIJsTaiR1fwcOQ.zKA---x60-y30-q90/amd/20170304-00010003-binsider-000-2-view.jpg" alt="" /></span>
                                            <span class="ttl">客室乗務員による「空の旅の知られざる真実」</span> <span class="source">BUSINESS INSIDER JAPAN</span>
                                            <span class="date">3/4(土) 20:10</span>
                                            </span>
                                        </a>
                                    </li>
                                </ol>
                                <!-- /.rankingContents -->
                            </div>
                            <script type="text/javascript" language="JavaScript">
                                yads_ad_ds = '99604_135693';
                                yads_parent_element = 'yads_ad_position_99604_135693';
                                yads_bucket_id = miffy_bucket_id;
                            </script>
                            <script type="text/javascript" language="JavaScript" src="//yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=99604_135693&amp;t=j&amp;ssl=0&amp;fr_id=yads_6878609-6&amp;p_elem=yads_ad_position_99604_135693&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci"></script>
                            <div id="yads_ad_position_99604_135693"></div>
                        </div>
                        <!-- SpaceID=2078709551 loc=SQM noad-spid -->
                        <script language="javascript">
                            if (window.yzq_d == null) window.yzq_d = new Object();
                            window.yzq_d['ijR_ALYWOUA-'] = '&amp;U=127ue3tjk%2fN%3dijR_ALYWOUA-%2fC%3d-2%2fD%3dSQM%2fB%3d-2';
                        </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mt0j1l8%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d2235351601%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=127ue3tjk%2fN%3dijR_ALYWOUA-%2fC%3d-2%2fD%3dSQM%2fB%3d-2"&gt;&lt;/div&gt;</noscript>
                        <div id="ycd-module"><iframe src="http://s.yimg.jp/images/ycd/lib/ycdloader/3.0.0/ycdproxy.html?placeholder=ycd-module&amp;origin=http%3A%2F%2Fheadlines.yahoo.co.jp" scrolling="no" marginheight="0" marginwidth="0" style="overflow: hidden; border: 0px none; margin-top: 0px; margin-left: 0px; margin-right: 0px; height: 178px;" width="100%" height="0" frameborder="0"></iframe></div>
                        <script type="text/javascript">
                            YAHOO.JP.Ycd.recommend.loader.showModule({
                                into: 'ycd-module',
                                dirName: 'yahoojp-p4-c3-dl',
                                mode: 'organic-thumbnails-purchase',
                                placement: 'Below Article Thumbnails-rc-purchase',
                                container: 'taboola-below-article-thumbnails-rc-purchase',
                                rapid: {
                                    "sec": "ycd_pay",
                                    "slk": "title"
                                },
                                sponsored_contents: true
                            });
                        </script>
                        <script type="text/javascript" language="JavaScript">
                            & lt;
                            !--
                            yads_ad_ds = '26744_15363';
                            yads_bucket_id = miffy_bucket_id;
                            //--&gt;
                        </script>
                        <div class="textCenter marB10">
                            <script type="text/javascript" language="JavaScript" src="http://yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=26744_15363&amp;t=j&amp;ssl=0&amp;fr_id=yads_1278415-7&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci"></script>
                            <div style="text-align:center;"><iframe src="http://i.yimg.jp/images/listing/tool/yads/yads-iframe.html?s=26744_15363-152905&amp;t=f&amp;ssl=0&amp;fr_id=yads_1278415-7&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;tag_path=http%3a%2f%2fyads.yjtag.yahoo.co.jp%2ftag&amp;page=1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci" style="border:none; clear:both; display:block; margin:auto; overflow:hidden; " allowtransparency="true" id="yads_1278415-7" name="yads_1278415-7" scrolling="no" width="300" height="250" frameborder="0"></iframe></div>
                        </div>
                        <div class="rkgYdn">
                        </div>
                        <div class="tmplNews002-2 rkgYdn">
                            <div class="subMod subRanking fb">
                                <div class="hd">
                                    <h3 class="ttl"><a href="http://news.yahoo.co.jp/ranking/access?ty=z&amp;c=c_sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/zasshi/news/m/accr/a/more/RV=1/RU=aHR0cDovL25ld3MueWFob28uY28uanAvcmFua2luZy9hY2Nlc3M_dHk9eiZjPWNfc2Np;_ylt=A7YWOgEDJsFY.TUA0bAvl.Z7'">雑誌アクセスランキング        （IT・科学）
        </a></h3>
                                </div>
                                <ol class="bd">
                                    <li>
                                        <a href="http://zasshi.news.yahoo.co.jp/article?a=20170309-00010000-nknatiogeo-sctch" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/zasshi/news/m/accr/a/RV=1/RU=aHR0cDovL3phc3NoaS5uZXdzLnlhaG9vLmNvLmpwL2FydGljbGU_YT0yMDE3MDMwOS0wMDAxMDAwMC1ua25hdGlvZ2VvLXNjdGNo;_ylt=A7YWOgEDJsFY.TUAzLAvl.Z7'">
                                            <span class="rankNum">1</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggSZupUpIc2KL3I43aGZh7rw---x60-y34-q90/amd/20170309-00010000-nknatiogeo-000-6-view.jpg" alt="" /></span>
                                            <span class="ttl">＜発覚＞巣立ち後も親のすねをかじるペンギン</span> <span class="source">ナショナル ジオグラフィック日本版</span>
                                            <span class="date">3/9(木) 7:20</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://zasshi.news.yahoo.co.jp/article?a=20170305-00010000-dime-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/zasshi/news/m/accr/a/RV=1/RU=aHR0cDovL3phc3NoaS5uZXdzLnlhaG9vLmNvLmpwL2FydGljbGU_YT0yMDE3MDMwNS0wMDAxMDAwMC1kaW1lLXNjaQ--;_ylt=A7YWOgEDJsFY.TUAzbAvl.Z7'">
                                            <span class="rankNum">2</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggdLlvwNn._mN8jQ1BLyUUgQ---x60-y60-q90/amd/20170305-00010000-dime-000-1-view.jpg" alt="" /></span>
                                            <span class="ttl">100均で見つけた意外と便利なスマホグッズ大図鑑</span> <span class="source">＠ＤＩＭＥ</span>
                                            <span class="date">3/5(日) 8:10</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://zasshi.news.yahoo.co.jp/article?a=20170307-00010003-wired-sctch" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/zasshi/news/m/accr/a/RV=1/RU=aHR0cDovL3phc3NoaS5uZXdzLnlhaG9vLmNvLmpwL2FydGljbGU_YT0yMDE3MDMwNy0wMDAxMDAwMy13aXJlZC1zY3RjaA--;_ylt=A7YWOgEDJsFY.TUAzrAvl.Z7'">
                                            <span class="rankNum">3</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggfN8Wv5Th6v9ZQVX5PT70qw---x60-y40-q90/amd/20170307-00010003-wired-000-2-view.jpg" alt="" /></span>
                                            <span class="ttl">コロンビアでジカウイルスによる小頭症患者が少ない「恐ろしい理由」</span> <span class="source">WIRED.jp</span>
                                            <span class="date">3/7(火) 18:20</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://zasshi.news.yahoo.co.jp/article?a=20170308-00010003-biz_lifeh-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/zasshi/news/m/accr/a/RV=1/RU=aHR0cDovL3phc3NoaS5uZXdzLnlhaG9vLmNvLmpwL2FydGljbGU_YT0yMDE3MDMwOC0wMDAxMDAwMy1iaXpfbGlmZWgtc2Np;_ylt=A7YWOgEDJsFY.TUAz7Avl.Z7'">
                                            <span class="rankNum">4</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggl0OOhW0N1WPJiUT2SQT9ZQ---x60-y34-q90/amd/20170308-00010003-biz_lifeh-000-1-view.jpg" alt="" /></span>
                                            <span class="ttl">パジャマはもういらない。裸で寝るとこんなにもいいことが</span> <span class="source">ライフハッカー［日本版］</span>
                                            <span class="date">3/8(水) 13:30</span>
                                            </span>
                                        </a>
                                    </li>
                                    <li>
                                        <a href="http://zasshi.news.yahoo.co.jp/article?a=20170309-00010000-dime-sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/zasshi/news/m/accr/a/RV=1/RU=aHR0cDovL3phc3NoaS5uZXdzLnlhaG9vLmNvLmpwL2FydGljbGU_YT0yMDE3MDMwOS0wMDAxMDAwMC1kaW1lLXNjaQ--;_ylt=A7YWOgEDJsFY.TUA0LAvl.Z7'">
                                            <span class="rankNum">5</span>
                                            <span class="cap">
                <span class="thumbnail"><img src="https://amd.c.yimg.jp/im_siggUq4yrxVQZTHvlwp5E22ucQ---x60-y42-q90/amd/20170309-00010000-dime-000-1-view.jpg" alt="" /></span>
                                            <span class="ttl">キッズケータイより安価に子どもを見守ることができるMeitrackのSIMフリーGPSトラッカー</span> <span class="source">＠ＤＩＭＥ</span>
                                            <span class="date">3/9(木) 7:10</span>
                                            </span>
                                        </a>
                                    </li>
                                </ol>
                                <!-- /.rankingContents -->
                            </div>
                            <script type="text/javascript" language="JavaScript">
                                yads_ad_ds = '54879_45284';
                                yads_bucket_id = miffy_bucket_id;
                            </script>
                            <script type="text/javascript" language="JavaScript" src="http://yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=54879_45284&amp;t=j&amp;ssl=0&amp;fr_id=yads_5616411-8&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci"></script>
                            <script src="http://im.ov.yahoo.co.jp/tag/?adprodset=54879_45284-57249-61169&amp;vimps_mode=3&amp;enc=UTF-8&amp;pvId=27533e7c3e3321f1d5d5babd3a6060c1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci&amp;yads_ds=54879_45284" type="text/javascript"></script>
                        </div>
                        <!-- SpaceID=2078709551 loc=TUT noad-spid -->
                        <script language="javascript">
                            if (window.yzq_d == null) window.yzq_d = new Object();
                            window.yzq_d['kjR_ALYWOUA-'] = '&amp;U=1279p20p7%2fN%3dkjR_ALYWOUA-%2fC%3d-2%2fD%3dTUT%2fB%3d-2';
                        </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mncrita%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d2238182345%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=1279p20p7%2fN%3dkjR_ALYWOUA-%2fC%3d-2%2fD%3dTUT%2fB%3d-2"&gt;&lt;/div&gt;</noscript>
                        <!-- SpaceID=2078709551 loc=TUT2 noad-spid -->
                        <script language="javascript">
                            if (window.yzq_d == null) window.yzq_d = new Object();
                            window.yzq_d['lDR_ALYWOUA-'] = '&amp;U=128dkt9dv%2fN%3dlDR_ALYWOUA-%2fC%3d-2%2fD%3dTUT2%2fB%3d-2';
                        </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mihacud%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d3386069044%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=128dkt9dv%2fN%3dlDR_ALYWOUA-%2fC%3d-2%2fD%3dTUT2%2fB%3d-2"&gt;&lt;/div&gt;</noscript>

                        <!-- SpaceID=2078709551 loc=RP noad-spid -->
                        <script language="javascript">
                            if (window.yzq_d == null) window.yzq_d = new Object();
                            window.yzq_d['jjR_ALYWOUA-'] = '&amp;U=126bbpl41%2fN%3djjR_ALYWOUA-%2fC%3d-2%2fD%3dRP%2fB%3d-2';
                        </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mum6fto%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d1472536434%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=126bbpl41%2fN%3djjR_ALYWOUA-%2fC%3d-2%2fD%3dRP%2fB%3d-2"&gt;&lt;/div&gt;</noscript>

                        <script type="text/javascript" language="JavaScript">
                            yads_ad_ds = '57876_31261';
                            yads_bucket_id = miffy_bucket_id;
                        </script>
                        <div class="textCenter marB10">
                            <script type="text/javascript" language="JavaScript" src="http://yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=57876_31261&amp;t=j&amp;ssl=0&amp;fr_id=yads_6973049-9&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci"></script>
                            <div style="text-align:center;"><iframe src="http://i.yimg.jp/images/listing/tool/yads/yads-iframe.html?s=57876_31261-200664&amp;t=f&amp;ssl=0&amp;fr_id=yads_6973049-9&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;tag_path=http%3a%2f%2fyads.yjtag.yahoo.co.jp%2ftag&amp;page=1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci" style="border:none; clear:both; display:block; margin:auto; overflow:hidden; " allowtransparency="true" id="yads_6973049-9" name="yads_6973049-9" scrolling="no" width="300" height="250" frameborder="0"></iframe></div>
                        </div>

                    </div>
                    <!--/#sub-->
                    <!--sub end-->

                </div>
                <!--/#contentsBody-->

                <div id="contentsFooter">
                    <span class="yj-guid"><img src="http://i.yimg.jp/images/clear.gif" alt="本文はここまでです" width="1" height="1" /></span>
                    <span class="yj-skip">
<a href="#pagetop"><img src="http://i.yimg.jp/images/clear.gif" alt="このページの先頭へ" width="1" height="1" /></a></span>

                    <div class="adUltra">
                        <div class="adUltraTitle">
                            <p>お得情報</p>
                        </div>
                        <div class="adUltraBody">
                            <script type="text/javascript" language="JavaScript">
                                yads_ad_ds = '98755_59180';
                                yads_ad_space = '2078709551';
                            </script>
                            <script type="text/javascript" language="JavaScript" src="//yads.c.yimg.jp/js/yads.js"></script>
                            <script type="text/javascript" language="JavaScript" src="http://s.yimg.jp/images/listing/tool/yads/uadf/yads_vimps-1.5.0.js?2017030901"></script>
                            <script src="http://yads.yjtag.yahoo.co.jp/tag?s=98755_59180&amp;t=j&amp;ssl=0&amp;fr_id=yads_6174567-10&amp;xd_support=1&amp;fl_support=21&amp;fr_support=1&amp;enc=UTF-8&amp;pv_ts=1489053189613-4417024&amp;page=1&amp;sid=2078709551&amp;u=http%3A%2F%2Fheadlines.yahoo.co.jp%2Fhl%3Fa%3D20170309-35097838-cnetj-sci"></script>
                            <script src="http://im.ov.yahoo.co.jp/tag/?adprodset=98755_59180-73240-79483&amp;vimps_mode=3&amp;enc=UTF-8&amp;pvId=27533e7c3e3321f1d5d5babd3a6060c1&amp;sid=2078709551&amp;u=http%3a%2f%2fheadlines.yahoo.co.jp%2fhl%3fa%3d20170309-35097838-cnetj-sci&amp;yads_ds=98755_59180" type="text/javascript"></script>
                            <!-- http://ard.yahoo.co.jp/SIG=159v2cob3/M=300973573.301843483.303471518.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=lzR_ALYWOUA-/J=1489053188005996/SIG=119s6m82h/A=302195979/R=0/?http://www.yahoo.co.jp/ -->
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['lzR_ALYWOUA-'] = '&amp;U=13jlvmavl%2fN%3dlzR_ALYWOUA-%2fC%3d300973573.301843483.303471518.311556217%2fD%3dULT%2fB%3d302195979';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mddo9qo%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d2379965117%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jlvmavl%2fN%3dlzR_ALYWOUA-%2fC%3d300973573.301843483.303471518.311556217%2fD%3dULT%2fB%3d302195979"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=159lgniqh/M=300972296.301842118.303470583.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=mTR_ALYWOUA-/J=1489053188005996/SIG=11660mlf9/A=302194535/R=0/*http://goo.gl/Oa5u7E" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/o0grbcmnhjfvvatvfuka/_m_kp6femfykraj7gvkd/jlaql0uik61hkgwm6h00/t_v_d_c_x63qvaxk9mhj-a.jpg" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">こどもちゃれんじ４月号好評受付中！<br />しまじろうと一緒に、できた！<br />今ならお得な特典付き！詳しくはこちら</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['mTR_ALYWOUA-'] = '&amp;U=13jqjbnu2%2fN%3dmTR_ALYWOUA-%2fC%3d300972296.301842118.303470583.311556217%2fD%3dULT%2fB%3d302194535';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mfuird0%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d2093354114%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jqjbnu2%2fN%3dmTR_ALYWOUA-%2fC%3d300972296.301842118.303470583.311556217%2fD%3dULT%2fB%3d302194535"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=159pd95bh/M=300969761.301839297.303470714.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=mzR_ALYWOUA-/J=1489053188005996/SIG=12q5vguu8/A=302194748/R=0/*https://premono.yahoo.co.jp/campaign/present/97856?sc_e=prbx_pu2_cp97856" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/fv25fgum01bhiwxej7r4/qrchxzbkg_s9mppkrxuy/w_lhztkfqbrhrmrv3oeb/_ah8dfpypn09sftkh8wq-a.jpg" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">春キャンペーン♪<br />カネボウメディアのアイブロウが<br />抽選で20,000様に当たる！</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['mzR_ALYWOUA-'] = '&amp;U=13j47u63b%2fN%3dmzR_ALYWOUA-%2fC%3d300969761.301839297.303470714.311556217%2fD%3dULT%2fB%3d302194748';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16m0cr0nb%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d1558811576%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13j47u63b%2fN%3dmzR_ALYWOUA-%2fC%3d300969761.301839297.303470714.311556217%2fD%3dULT%2fB%3d302194748"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=159or4vdk/M=300972289.301842111.303470607.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=nTR_ALYWOUA-/J=1489053188005996/SIG=116d6p8u0/A=302194580/R=0/*http://goo.gl/GLzPw8" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/o0grbcmnhjfvvatvfuka/by2aurgo2fxt6nbb0sls/kxw5nzeufxvem4keo2_h/0ucd21hctfva8tvapymg-a.jpg" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">今なら、４月開講号受付中<br />1回15分勉強法で部活と両立しながら<br />志望高校合格を勝ち取れる！</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['nTR_ALYWOUA-'] = '&amp;U=13jvq9m42%2fN%3dnTR_ALYWOUA-%2fC%3d300972289.301842111.303470607.311556217%2fD%3dULT%2fB%3d302194580';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mm95o82%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d4108300775%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jvq9m42%2fN%3dnTR_ALYWOUA-%2fC%3d300972289.301842111.303470607.311556217%2fD%3dULT%2fB%3d302194580"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=1593theu0/M=300969909.301839466.303470972.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=njR_ALYWOUA-/J=1489053188005996/SIG=12q4qnudc/A=302195168/R=0/*https://premono.yahoo.co.jp/campaign/present/97855?sc_e=prbx_pu3_cp97855" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/sbo5zc31y9aqlwez1yd6/dkvkptx5d6tai1jtfb3w/0oogo_athgjkcl5rarou/2aqtrqb5s31kytyo5gxg-a.jpg" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">洗って乾かすだけで<br />「朝スタイルさっと整う」<br />エッセンシャル新製品プレゼント！</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['njR_ALYWOUA-'] = '&amp;U=13jfa6tr4%2fN%3dnjR_ALYWOUA-%2fC%3d300969909.301839466.303470972.311556217%2fD%3dULT%2fB%3d302195168';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16ltp1dsk%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d683870070%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jfa6tr4%2fN%3dnjR_ALYWOUA-%2fC%3d300969909.301839466.303470972.311556217%2fD%3dULT%2fB%3d302195168"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=159seh7s1/M=300970419.301839996.303467877.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=nzR_ALYWOUA-/J=1489053188005996/SIG=1408c4mrd/A=302189461/R=0/*http://rdsig.yahoo.co.jp/yjcard/pc/ultra/promo/evt=126256/RV=1/RU=aHR0cDovL2NhcmQueWFob28uY28uanAvY2FtcGFpZ24v" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/zlerzdeibubkujxahahd/mtocxzz8l7_5ojmtrh5v/ionabxobzx0vc9o241lq/iropkayjpfkirbmjapca-a.png" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">Ｔポイントをためるなら、この1枚！<br />「年会費無料」でポイント「ザクザク」<br />Yahoo! JAPANカード≪詳しくはコチラ≫</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['nzR_ALYWOUA-'] = '&amp;U=13jqj2n40%2fN%3dnzR_ALYWOUA-%2fC%3d300970419.301839996.303467877.311556217%2fD%3dULT%2fB%3d302189461';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mls9fbi%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d2273315778%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jqj2n40%2fN%3dnzR_ALYWOUA-%2fC%3d300970419.301839996.303467877.311556217%2fD%3dULT%2fB%3d302189461"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=159f33rja/M=300969756.301839292.303467310.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=oTR_ALYWOUA-/J=1489053188005996/SIG=11jjkk011/A=302188660/R=0/*http://v6.advg.jp/adpv6/r/85A_1EH" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/mpbdgiqzphvhq318nyhn/yqoc8fmgoku4dbvw8faq/pxw8vageklqgvfuyfiv5/aze24s5dtwd0jxlzemkr-a.gif" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">ソフトバンクの学割キャンペーン<br />通話もデータもコミコミ税抜2,980円～<br />最新のiPhoneも対象！</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['oTR_ALYWOUA-'] = '&amp;U=13jpk7rbe%2fN%3doTR_ALYWOUA-%2fC%3d300969756.301839292.303467310.311556217%2fD%3dULT%2fB%3d302188660';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mhu9bhi%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d1404667530%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jpk7rbe%2fN%3doTR_ALYWOUA-%2fC%3d300969756.301839292.303467310.311556217%2fD%3dULT%2fB%3d302188660"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=159ojlham/M=300970416.301839994.303469960.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=ojR_ALYWOUA-/J=1489053188005996/SIG=125g6hetg/A=302193516/R=0/*http://tokupure.jp/lp/shops.php?sc_e=box_pc_fujiya2" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/zwjevjrlvrqj8usn_nxb/mtocxzz8l7_5ojmtrh5v/awe9tqfk2zc8xynszxex/dfcxnak_mugb9xugd7zg-a.jpg" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">期間限定100ポイント進呈中！<br />不二家洋菓子店、各種Whitedayギフトを<br />ご用意しております＜トクプレbyGMO＞</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['ojR_ALYWOUA-'] = '&amp;U=13jcqe9v7%2fN%3dojR_ALYWOUA-%2fC%3d300970416.301839994.303469960.311556217%2fD%3dULT%2fB%3d302193516';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16lh53jj1%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d719638003%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jcqe9v7%2fN%3dojR_ALYWOUA-%2fC%3d300970416.301839994.303469960.311556217%2fD%3dULT%2fB%3d302193516"&gt;&lt;/div&gt;</noscript>
                            <!--
 -->
                            <div style="display:-moz-inline-box;padding:10px 3px 10px 13px;display:inline-block;margin:0px;* height:1%;overflow:hidden;vertical-align:top;/display:inline;/zoom:1;">
                                <a style="width:290px;cursor:pointer;color:#0000de;background-color:#fff;" href="http://ard.yahoo.co.jp/SIG=159klbi92/M=300971351.301841071.303470973.311556217/D=jp_hdln_te/S=2078709551:ULT/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=ozR_ALYWOUA-/J=1489053188005996/SIG=12ruj37lh/A=302195172/R=0/*https://sbg.jp/c/special/newlife-cp?utm_source=yahoo&amp;utm_campaign=newlife" target="_top" onmouseout="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#0000de';" onmouseover="this.style.backgroundColor='#fff';this.getElementsByTagName('span')[0].style.color='#CC3434';"><img style="vertical-align:bottom;border:0px none;float:left;margin-right:10px; padding:0;" src="http://ai.yimg.jp/bdv/prem/irue5tfmr3n0vts6doib/zmjtq43_pxt80n19qgsf/kdeplcsyxwaa4afwzusa/n_x9uxtgiyb3ucjxisxe-a.jpg" width="50" height="50" /><span style="font-size:12px;float:left;margin:0; padding:0;line-height:1.4em;font-weight:normal;text-decoration:underline;width:236px; word-wrap:normal;word-break:break-all;height:auto;letter-spacing:0.04em;">メールLINEで贈れる「ポチッとギフト」<br />今ならケンタッキーのチキンが当たる<br />キャンペーン実施中！</span></a>
                            </div>
                            <script language="javascript">
                                if (window.yzq_d == null) window.yzq_d = new Object();
                                window.yzq_d['ozR_ALYWOUA-'] = '&amp;U=13jkls71h%2fN%3dozR_ALYWOUA-%2fC%3d300971351.301841071.303470973.311556217%2fD%3dULT%2fB%3d302195172';
                            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16m7daf09%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d3734567915%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13jkls71h%2fN%3dozR_ALYWOUA-%2fC%3d300971351.301841071.303470973.311556217%2fD%3dULT%2fB%3d302195172"&gt;&lt;/div&gt;</noscript>
                            <p style="text-align:right;line-height:1;clear:both;padding:5px 15px 15px 0px;margin:0px;">
                                <span style="display:inline-block;margin-left:5px;minheight:12px;padding-left:16px;">
<a href="http://s.sample.yahoo.co.jp/" target="new" style="font-size:14px;color:#584325;">その他のキャンペーン</a>
</span>
                            </p>
                        </div>
                    </div>

                    <div id="cfInner">
                        <div class="cfNavColumn">
                            <ul>
                                <li>
                                    <a href="http://promo.news.yahoo.co.jp/app/yjnews/" onmousedown="this.href='http://rdsig.yahoo.co.jp/media/news/app/promo/pc_news/bigfooter/RV=1/RU=aHR0cDovL3Byb21vLm5ld3MueWFob28uY28uanAvYXBwL3lqbmV3cy8-;_ylt=A7YWOgEDJsFY.TUA1rAvl.Z7'" rel="nofollow">
                                        <div class="iconAPP"><span>アプリ</span></div>
                                        <p><em>アプリ</em><span>データ先読みで、電車でもサクサク</span></p>
                                    </a>
                                </li>
                                <li>
                                    <a href="http://www.facebook.com/yjnews" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3d3dy5mYWNlYm9vay5jb20veWpuZXdz/RS=^ADALWjY5vTqtCTI.muXBkioXRjWX9Y-;_ylt=A7YWOgEDJsFY.TUA17Avl.Z7'" rel="nofollow">
                                        <div class="iconFB"><span>Facebook</span></div>
                                        <p><em>Facebook</em><span>編集部による厳選記事を毎日配信</span></p>
                                    </a>
                                </li>
                                <li>
                                    <a href="https://twitter.com/YahooNewsTopics" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cHM6Ly90d2l0dGVyLmNvbS9ZYWhvb05ld3NUb3BpY3M-/RS=^ADAidTDG6H4cen37B0nve0AI4o5XKA-;_ylt=A7YWOgEDJsFY.TUA2LAvl.Z7'" rel="nofollow">
                                        <div class="iconTW"><span>Twitter</span></div>
                                        <p><em>Twitter</em><span>リアルタイムでニュースを配信</span></p>
                                    </a>
                                </li>
                                <li>
                                    <a href="http://news.yahoo.co.jp/staffblog/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvc3RhZmZibG9nLw--/RS=^ADA.sYui3bWm9C94mZZHYo67ojeE0w-;_ylt=A7YWOgEDJsFY.TUA2bAvl.Z7'">
                                        <div class="iconSB"><span>スタッフブログ</span></div>
                                        <p><em>スタッフブログ</em><span>Yahoo!ニュースの裏側をご紹介</span></p>
                                    </a>
                                </li>
                            </ul>
                        </div>
                        <!-- /.cfNavColumn -->
                        <div class="cfNavList">
                            <ul>
                                <li><a href="http://news.yahoo.co.jp" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanA-/RS=^ADAdTdnzilw2wJNN2bs5pl037o02Ro-;_ylt=A7YWOgEDJsFY.TUA27Avl.Z7'">トップ</a></li>
                                <li><a href="http://news.yahoo.co.jp/flash" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvZmxhc2g-/RS=^ADAdG5WQ6iawsAaeWXgMXIhpeXQ1qE-;_ylt=A7YWOgEDJsFY.TUA3LAvl.Z7'">速報</a></li>
                                <li><a href="http://news.yahoo.co.jp/photo" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvcGhvdG8-/RS=^ADAPpKeZY_cEO3TJ8aZfR.m0MbjuN4-;_ylt=A7YWOgEDJsFY.TUA3bAvl.Z7'">写真</a></li>
                                <li><a href="http://headlines.yahoo.co.jp/videonews/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC92aWRlb25ld3Mv/RS=^ADA8kkojVYRbvCni40MAO6sw5BDlfg-;_ylt=A7YWOgEDJsFY.TUA3rAvl.Z7'">映像</a></li>
                                <li><a href="http://news.yahoo.co.jp/zasshi" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvemFzc2hp/RS=^ADA3W5hJfcSA0WHl90pXcthYiykh3M-;_ylt=A7YWOgEDJsFY.TUA37Avl.Z7'">雑誌</a></li>
                                <li><a href="http://bylines.news.yahoo.co.jp/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2J5bGluZXMubmV3cy55YWhvby5jby5qcC8-/RS=^ADAQzNqpa02Lm180rVv3DibuXD5J3g-;_ylt=A7YWOgEDJsFY.TUA4LAvl.Z7'">個人</a></li>
                                <li><a href="http://news.yahoo.co.jp/biz" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvYml6/RS=^ADAiYPdBYDdyhIqj7B_tX2RNHkeYlc-;_ylt=A7YWOgEDJsFY.TUA4bAvl.Z7'">ビジネス</a></li>
                                <li><a href="http://news.yahoo.co.jp/feature" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvZmVhdHVyZQ--/RS=^ADAQPCFE_SyIYw9O4Z8hnk4yhJ8eLQ-;_ylt=A7YWOgEDJsFY.TUA4rAvl.Z7'">特集</a></li>
                                <li><a href="http://polls.dailynews.yahoo.co.jp/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL3BvbGxzLmRhaWx5bmV3cy55YWhvby5jby5qcC8-/RS=^ADAAdTKiyrY5YNeCjVbz1gJ9n6jJWk-;_ylt=A7YWOgEDJsFY.TUA47Avl.Z7'">意識調査</a></li>
                                <li class="last"><a href="http://news.yahoo.co.jp/ranking" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvcmFua2luZw--/RS=^ADATNs2bG1S_AG0Ua1H0X_zS88WL1w-;_ylt=A7YWOgEDJsFY.TUA5LAvl.Z7'">ランキング</a></li>
                            </ul>
                        </div>
                        <!-- /.cfNavList -->
                        <div class="cfSubNavList">
                            <dl class="subNavL">
                                <dt>ニュースカテゴリ：</dt>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=dom" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1kb20-/RS=^ADA1u5Nmvq.3DDgFXRTi0p7BSWHo1I-;_ylt=A7YWOgEDJsFY.TUA5bAvl.Z7'">国内</a></dd>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=c_int" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1jX2ludA--/RS=^ADALVv.75fe0TvTSBHVhdlSBPMUtq0-;_ylt=A7YWOgEDJsFY.TUA5rAvl.Z7'">国際</a></dd>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=bus" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1idXM-/RS=^ADA7_oWCL9uOudrCCPsW0Ls4r08aLA-;_ylt=A7YWOgEDJsFY.TUA57Avl.Z7'">経済</a></dd>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=c_ent" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1jX2VudA--/RS=^ADAZMtoRPnlIwsjRGCaBLjDdqU.pxA-;_ylt=A7YWOgEDJsFY.TUA6LAvl.Z7'">エンタメ</a></dd>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=c_spo" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1jX3Nwbw--/RS=^ADA52FkJ2wQTZa4ZNqEcyKMuEnwT7g-;_ylt=A7YWOgEDJsFY.TUA6bAvl.Z7'">スポーツ</a></dd>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=c_sci" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1jX3NjaQ--/RS=^ADAM.YMbqwznnTFQVDu3RF3CWKmRKA-;_ylt=A7YWOgEDJsFY.TUA6rAvl.Z7'">IT・科学</a></dd>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=c_life" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1jX2xpZmU-/RS=^ADAYKXfIUk4UQ._Ts0FjXXZWJpu44E-;_ylt=A7YWOgEDJsFY.TUA67Avl.Z7'">ライフ</a></dd>
                                <dd><a href="http://news.yahoo.co.jp/hl?c=loc" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvaGw_Yz1sb2M-/RS=^ADAwO72159aEuzvU3tuaKCCPVc9yyM-;_ylt=A7YWOgEDJsFY.TUA7LAvl.Z7'">地域</a></dd>
                            </dl>
                            <dl class="subNavR">
                                <dt>その他：</dt>
                                <dd><a href="http://news.yahoo.co.jp/theme/" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL25ld3MueWFob28uY28uanAvdGhlbWUv/RS=^ADAIY34aNH_GUzkyn.H7177DoV3n6I-;_ylt=A7YWOgEDJsFY.TUA7bAvl.Z7'">テーマを探す</a></dd>
                                <dd><a href="http://headlines.yahoo.co.jp/rss/list" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9yc3MvbGlzdA--/RS=^ADA881WevR4Sts.N9JE96KOol3YIz4-;_ylt=A7YWOgEDJsFY.TUA2rAvl.Z7'">RSS</a></dd>
                                <dd><a href="http://headlines.yahoo.co.jp/docs/copyright.html" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2hlYWRsaW5lcy55YWhvby5jby5qcC9kb2NzL2NvcHlyaWdodC5odG1s/RS=^ADATePnND5mTUinUdA7YfdCsN8IIxU-;_ylt=A7YWOgEDJsFY.TUA7rAvl.Z7'">ニュース提供社</a></dd>
                                <dd><a href="http://gsearch.news.yahoo.co.jp/gs?ty=g" onmousedown="this.href='http://rdsig.yahoo.co.jp/RV=1/RE=1490262788/RH=cmRzaWcueWFob28uY28uanA-/RB=/RU=aHR0cDovL2dzZWFyY2gubmV3cy55YWhvby5jby5qcC9ncz90eT1n/RS=^ADAgYmWTWmYleqT.74eKPKA2ZiIraA-;_ylt=A7YWOgEDJsFY.TUA77Avl.Z7'">新聞記事横断検索</a></dd>
                            </dl>
                        </div>
                        <!-- /.cfSubNavList -->
                    </div>
                    <!-- /#cfWrap -->

                </div>
                <!--/#contentsFooter-->

            </div>
            <!--/#contents-->
            <!--contents end-->

            <!--<hr class="separation">-->

            <!--footer start-->
            <div id="footer">

                <style type="text/css">
                    #uftMain,
                    #uftMain * {
                        float: none;
                        clear: none;
                        margin: 0;
                        padding: 0;
                        border: 0 solid;
                        border-radius: 0;
                        font-size: 100%;
                        font-weight: normal;
                        font-style: normal;
                        text-indent: 0;
                        letter-spacing: 0;
                        word-spacing: 0;
                        text-transform: none;
                        vertical-align: baseline;
                    }
                    
                    #uftMain div {
                        background-image: url(https://s.yimg.jp/yui/jp/uft/2.0.1/img/uftChnk.png);
                        background-repeat: no-repeat;
                    }
                    
                    @media only screen and (-webkit-min-device-pixel-ratio:1.1),
                    only screen and (min-device-pixel-ratio:1.1) {
                        #uftMain div {
                            background-image: url(https://s.yimg.jp/yui/jp/uft/2.0.1/img/uftChnk_x2.png);
                            -webkit-background-size: 728px 28px;
                            background-size: 728px 28px;
                        }
                    }
                </style>
                <div id="uftMain" style="width:100%;text-align:center;height:34px;padding:3px 0 0 0;">
                    <div style="position:relative;margin:0 auto;width:728px;height:28px;">
                        <form action="https://search.yahoo.co.jp/search" name="p" target="uhd">
                            <p style="position:absolute;top:0;left:54px;"><a href="http://rdsig.yahoo.co.jp/search/uft/ytop/RV=1/RU=aHR0cDovL3d3dy55YWhvby5jby5qcC8-" title="Yahoo! JAPAN" style="display:block;width:43px;height:28px;text-indent:-9999px;">Yahoo!Japan</a></p><input id="uftSBox" name="p" value="" style="position:absolute;top:6px;left:112px;width:385px;height:18px;background-color:#fff;font-size:13px;line-height:17px;vertical-align:bottom;outline:none;" type="text" /><button type="submit" title="ウェブ検索" style="position:absolute;top:0;left:506px;width:110px;height:28px;background-color:transparent;text-indent:-9999px;cursor:pointer;">ウェブ検索</button><input name="ei" value="UTF-8" type="hidden" /><input name="fr" value="usf" type="hidden" /></form>
                        <p style="position:absolute;top:0;left:622px;"><a href="http://rdsig.yahoo.co.jp/search/uft/krank/RV=1/RU=aHR0cDovL3NlYXJjaHJhbmtpbmcueWFob28uY28uanAvcnRfYnVyc3Qv" title="Yahoo!検索データ 急上昇ワード" style="display:block;width:106px;height:28px;text-indent:-9999px;">Yahoo!検索データ 急上昇ワード</a></p>
                    </div>
                </div>
                <!-- http://ard.yahoo.co.jp/SIG=1586tdrvj/M=300951180.301818803.303441908.302953375/D=jp_hdln_te/S=2078709551:S8/Y=jp/EXP=1489060388/L=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA/B=kDR_ALYWOUA-/J=1489053188005996/SIG=1199007lk/A=302141184/R=0/?http://www.yahoo.co.jp/ -->
                <script language="javascript">
                    if (window.yzq_d == null) window.yzq_d = new Object();
                    window.yzq_d['kDR_ALYWOUA-'] = '&amp;U=13i75ena1%2fN%3dkDR_ALYWOUA-%2fC%3d300951180.301818803.303441908.302953375%2fD%3dS8%2fB%3d302141184';
                </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mq9pnki%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d1205750035%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=13i75ena1%2fN%3dkDR_ALYWOUA-%2fC%3d300951180.301818803.303441908.302953375%2fD%3dS8%2fB%3d302141184"&gt;&lt;/div&gt;</noscript>
                <address>
<a href="http://docs.yahoo.co.jp/docs/info/terms/chapter1.html#cf2nd" rel="nofollow">プライバシーポリシー</a> - <a href="http://docs.yahoo.co.jp/docs/info/terms/" rel="nofollow">利用規約</a> - <a href="http://docs.yahoo.co.jp/info/mediastatement/" rel="nofollow">メディアステートメント</a> - 
<a href="http://headlines.yahoo.co.jp/docs/copyright.html" rel="nofollow">著作権</a>  - 
<a href="http://headlines.yahoo.co.jp/docs/tokuteisho.html" rel="nofollow">特定商取引法の表示</a> - <a href="http://rdsig.yahoo.co.jp/media/news/footer/feedback/RV=1/RU=aHR0cHM6Ly9mZWVkYmFjay5tcy55YWhvby5jby5qcC92b2MvbmV3cy12b2MvaW5wdXQ-" rel="nofollow">ご意見・ご要望</a> - <a href="http://help.yahoo.co.jp/help/jp/news/" rel="nofollow">ヘルプ・お問い合わせ</a>
<br />
Copyright (C) 2017 ASAHI INTERACTIVE, Inc. All rights reserved. No reproduction or republication without written permission. 無断転載を禁じます。 <br />
Copyright (C) 2017 Yahoo Japan Corporation. All Rights Reserved.
</address>
            </div>
            <!--/#footer-->
            <!--footer end-->
            <!-- SpaceID=2078709551 loc=GYJ noad -->
            <script language="javascript">
                if (window.yzq_d == null) window.yzq_d = new Object();
                window.yzq_d['pzR_ALYWOUA-'] = '&amp;U=127f95lcj%2fN%3dpzR_ALYWOUA-%2fC%3d-1%2fD%3dGYJ%2fB%3d-1';
            </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16mqr6s3l%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d2.1%2fW%3dH%2fY%3djp%2fF%3d1742340653%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604&amp;U=127f95lcj%2fN%3dpzR_ALYWOUA-%2fC%3d-1%2fD%3dGYJ%2fB%3d-1"&gt;&lt;/div&gt;</noscript></div>
        <!-- /#main_cnt_wrapper-->

    </div>
    <script type="text/javascript" src="http://i.yimg.jp/images/search/slink/1/main.js?1489051800000" class="yjslinkScriptLoaded" async=""></script><span></span>
    <script type="text/javascript" src="http://entrypoint.search.yahooapis.jp/v1/link/related_item?callback=YAHOO.JP.srch.slink.create&amp;output=json&amp;.src=nws&amp;appid=dj0zaiZpPWx1NTNzY1hnbUVoRCZzPWNvbnN1bWVyc2VjcmV0Jng9NGI-&amp;article_id=20170309-35097838-cnetj"></script><span></span><iframe src="http://s.yimg.jp/images/listing/tool/yads/ast.html#%7B%22command%22%3A%22AST_callAds%22%2C%22params%22%3A%7B%22tagId%22%3A%229390543%22%2C%22position%22%3A%22below%22%2C%22member%22%3A%223663%22%2C%22user%22%3A%7B%22age%22%3A%22%22%2C%22externalUid%22%3A%2234ff7be9-9290-40cb-b000-d46baf8a6ba3%22%2C%22gender%22%3A%220%22%7D%7D%7D" style="display: none;" name="9390543-4977274909" id="9390543-4977274909" width="0" height="0"></iframe><iframe src="http://s.yimg.jp/images/listing/tool/yads/criteo_api.html#%7B%22command%22%3A%22callAds%22%2C%22params%22%3A%7B%22zoneid%22%3A%22455899%22%7D%7D" style="display: none;" name="455899-9493178265" id="455899-9493178265" width="0" height="0"></iframe>
    <!--/#wrapper-->
    <div id="fb-root"></div>
    <script type="text/javascript" src="http://i.yimg.jp/images/security/pf/pcore-1.0.1.min.js"></script>
    <script type="text/javascript" src="http://i.yimg.jp/lib/news/common_1_2-min.js"></script>

    <script type="text/javascript" src="http://i.yimg.jp/lib/news/widgets/widgets_1_2.js" charset="utf-8"></script>
    <script type="text/javascript" language="javascript" src="http://i.yimg.jp/lib/news/top/common_pc-1.0.0.min.js"></script>
    <script type="text/javascript" language="javascript">
        & lt;
        !--
        $(function() {
            // グロナビ
            YAHOO.JP.News.globalNav.init();
        });
        //--&gt;
    </script>
    <script>
        YAHOO = window.YAHOO || {};
        YAHOO.JP = YAHOO.JP || {};
        YAHOO.JP.srch = YAHOO.JP.srch || {};
        YAHOO.JP.srch.popSearchSetting = {
            service_code: 'nws',
            space_id: '2078709551'
        };
    </script>
    <script src="http://ai.yimg.jp/images/search/slink/popup/pc/1.0.0/js/popsearch.min.js" charset="utf-8" async=""></script>

    <script language="javascript">
        if (window.yzq_p == null) document.write("&lt;scr" + "ipt language=javascript src=http://ai.yimg.jp/bdv/yahoo/javascript/csc/20060824/lib2obf_b5.js&gt;&lt;/scr" + "ipt&gt;");
    </script>
    <script language="javascript" src="http://ai.yimg.jp/bdv/yahoo/javascript/csc/20060824/lib2obf_b5.js"></script>
    <script language="javascript">
        if (window.yzq_p) yzq_p('P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16hkm36hi%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d1.1%2fW%3dJ%2fY%3djp%2fF%3d1129028365%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fS%3d1%2fJ%3d58C12604');
        if (window.yzq_s) yzq_s();
    </script><noscript>&lt;div style="position:absolute;"&gt;&lt;img width=1 height=1 alt="" src="http://b5.yahoo.co.jp/b?P=oI9TLjE4Mi66RLpAorxEdAVuMTE4LgAAAAA2TzUA&amp;T=16m44v4i9%2fX%3d1489053188%2fE%3d2078709551%2fR%3djp_hdln_te%2fK%3d5%2fV%3d3.1%2fW%3dJ%2fY%3djp%2fF%3d1673834183%2fH%3dbWgtbG9naW4tc3JjPSJ5biIgcG9wc2VhcmNoLXNlcnZpY2UtY29kZT0ibndzIiBhZGN2ZXI9Ni44LjE-%2fQ%3d-1%2fS%3d1%2fJ%3d58C12604"&gt;&lt;/div&gt;</noscript></body>

</html>

